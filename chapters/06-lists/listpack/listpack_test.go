package listpack

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// check compares p with the model, walking forwards and backwards.
func check(t *testing.T, p *Pack, model [][]byte) {
	t.Helper()
	if p.Len() != len(model) {
		t.Fatalf("Len = %d, want %d", p.Len(), len(model))
	}
	o := 0
	for i, want := range model {
		var v []byte
		v, o = p.Get(o)
		if !bytes.Equal(v, want) {
			t.Fatalf("forward entry %d = %q, want %q", i, v, want)
		}
	}
	if o != p.End() {
		t.Fatalf("walk ended at %d, End is %d", o, p.End())
	}
	o = p.End()
	for i := len(model) - 1; i >= 0; i-- {
		o = p.Prev(o)
		if v, _ := p.Get(o); !bytes.Equal(v, model[i]) {
			t.Fatalf("backward entry %d = %q, want %q", i, v, model[i])
		}
	}
	if p.Prev(o) != -1 {
		t.Fatalf("Prev of the first entry is not -1")
	}
}

func value(r *rand.Rand) []byte {
	switch r.IntN(4) {
	case 0:
		return nil
	case 1:
		return []byte(strings.Repeat("x", r.IntN(300))) // two-byte headers and backlens
	case 2:
		return []byte(strings.Repeat("y", 16000+r.IntN(2000))) // three bytes
	}
	return []byte(fmt.Sprint(r.IntN(1000)))
}

func TestPackMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var p Pack
	var model [][]byte
	for step := 0; step < 3000; step++ {
		switch op := r.IntN(6); {
		case op <= 1 || len(model) == 0:
			i := r.IntN(len(model) + 1)
			v := value(r)
			o := p.End()
			if i < len(model) {
				o = p.Seek(i)
			}
			p.Insert(o, v)
			model = append(model[:i], append([][]byte{v}, model[i:]...)...)
		case op == 2:
			i := r.IntN(len(model))
			n := 1 + r.IntN(3)
			got := p.Delete(p.Seek(i), n)
			want := min(n, len(model)-i)
			if got != want {
				t.Fatalf("Delete removed %d, want %d", got, want)
			}
			model = append(model[:i], model[i+want:]...)
		case op == 3:
			i := r.IntN(len(model))
			v := value(r)
			p.Replace(p.Seek(i), v)
			model[i] = v
		case op == 4:
			i := r.IntN(len(model))
			if v, _ := p.Get(p.Seek(i - len(model))); !bytes.Equal(v, model[i]) {
				t.Fatalf("Seek(%d) = %q, want %q", i-len(model), v, model[i])
			}
		case op == 5:
			i := r.IntN(len(model))
			if o := p.Find(0, model[i], 0); o < 0 {
				t.Fatalf("Find did not find entry %d", i)
			}
		}
		check(t, &p, model)
	}
}

func TestSplitAndMerge(t *testing.T) {
	var p Pack
	for i := 0; i < 10; i++ {
		p.Append([]byte(fmt.Sprint(i)))
	}
	q := p.Split(p.Seek(4), 4)
	if p.Len() != 4 || q.Len() != 6 {
		t.Fatalf("split lengths %d %d", p.Len(), q.Len())
	}
	p.Merge(&q)
	var model [][]byte
	for i := 0; i < 10; i++ {
		model = append(model, []byte(fmt.Sprint(i)))
	}
	check(t, &p, model)
}

func TestFindSkipsValues(t *testing.T) {
	var p Pack
	for _, s := range []string{"f1", "a", "a", "v2", "f3", "v3"} {
		p.Append([]byte(s))
	}
	if o := p.Find(0, []byte("a"), 1); o != p.Seek(2) {
		t.Fatalf("Find(a) = %d, want field 2 at %d", o, p.Seek(2))
	}
	if o := p.Find(0, []byte("v3"), 1); o != -1 {
		t.Fatalf("Find matched a value")
	}
}

func TestEntryOverhead(t *testing.T) {
	for _, c := range []struct{ n, size int }{{0, 2}, {10, 12}, {126, 128}, {127, 130}, {200, 204}} {
		if got := EntrySize(make([]byte, c.n)); got != c.size {
			t.Errorf("EntrySize(%d bytes) = %d, want %d", c.n, got, c.size)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	v := []byte("value:12345")
	var p Pack
	for i := 0; i < b.N; i++ {
		if p.Size() > 8192 {
			p.Reset()
		}
		p.Append(v)
	}
}
