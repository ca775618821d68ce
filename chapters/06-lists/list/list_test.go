package list

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typetest"
)

func elems(l *List) [][]byte {
	var out [][]byte
	l.All(func(_ int, v []byte) bool {
		out = append(out, bytes.Clone(v))
		return true
	})
	return out
}

func checkList(t *testing.T, l *List, model [][]byte) {
	t.Helper()
	if l.Len() != len(model) {
		t.Fatalf("Len = %d, want %d", l.Len(), len(model))
	}
	got := elems(l)
	for i := range model {
		if !bytes.Equal(got[i], model[i]) {
			t.Fatalf("element %d = %q, want %q", i, got[i], model[i])
		}
	}
	sum := 0
	for _, p := range l.nodes() {
		if p.Len() == 0 {
			t.Fatalf("empty chunk kept")
		}
		if p.Len() > 1 && p.Size() > 8192 {
			t.Fatalf("chunk of %d bytes above the 8 KiB limit", p.Size())
		}
		sum += p.Len()
	}
	if sum != l.Len() {
		t.Fatalf("chunks hold %d elements, Len says %d", sum, l.Len())
	}
}

func randValue(r *rand.Rand) []byte {
	if r.IntN(20) == 0 {
		return []byte(strings.Repeat("z", 3000+r.IntN(9000))) // bigger than half a chunk, or than a chunk
	}
	return []byte(fmt.Sprint(r.IntN(50)))
}

// TestListMatchesModel drives every operation at random against a slice.
func TestListMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var l List
	var model [][]byte
	for step := 0; step < 6000; step++ {
		switch op := r.IntN(12); op {
		case 0, 1:
			v := randValue(r)
			l.PushLeft(v)
			model = append([][]byte{v}, model...)
		case 2, 3:
			v := randValue(r)
			l.PushRight(v)
			model = append(model, v)
		case 4:
			v, ok := l.PopLeft()
			if ok != (len(model) > 0) || (ok && !bytes.Equal(v, model[0])) {
				t.Fatalf("PopLeft = %q %v", v, ok)
			}
			if ok {
				model = model[1:]
			}
		case 5:
			v, ok := l.PopRight()
			if ok != (len(model) > 0) || (ok && !bytes.Equal(v, model[len(model)-1])) {
				t.Fatalf("PopRight = %q %v", v, ok)
			}
			if ok {
				model = model[:len(model)-1]
			}
		case 6:
			if len(model) == 0 {
				continue
			}
			i := r.IntN(2*len(model)) - len(model)
			v := randValue(r)
			l.Set(i, v)
			if i < 0 {
				i += len(model)
			}
			model[i] = v
		case 7:
			pivot, v := randValue(r), randValue(r)
			after := r.IntN(2) == 0
			got := l.Insert(pivot, v, after)
			i := slices.IndexFunc(model, func(e []byte) bool { return bytes.Equal(e, pivot) })
			if i < 0 {
				if got != -1 {
					t.Fatalf("Insert without pivot = %d", got)
				}
				continue
			}
			if after {
				i++
			}
			model = slices.Insert(model, i, v)
			if got != len(model) {
				t.Fatalf("Insert = %d, want %d", got, len(model))
			}
		case 8:
			v := randValue(r)
			count := r.IntN(5) - 2
			got := l.Remove(count, v)
			want := 0
			if count >= 0 {
				for i := 0; i < len(model); {
					if bytes.Equal(model[i], v) && (count == 0 || want < count) {
						model = slices.Delete(model, i, i+1)
						want++
						continue
					}
					i++
				}
			} else {
				for i := len(model) - 1; i >= 0; i-- {
					if bytes.Equal(model[i], v) && want < -count {
						model = slices.Delete(model, i, i+1)
						want++
					}
				}
			}
			if got != want {
				t.Fatalf("Remove(%d, %q) = %d, want %d", count, v, got, want)
			}
		case 9:
			if len(model) < 2 || r.IntN(4) != 0 {
				continue
			}
			start := r.IntN(len(model))
			stop := start + r.IntN(len(model)-start)
			l.Trim(start, stop)
			model = slices.Clone(model[start : stop+1])
		case 10:
			if len(model) == 0 {
				continue
			}
			i := r.IntN(len(model))
			if v, ok := l.Index(i - len(model)); !ok || !bytes.Equal(v, model[i]) {
				t.Fatalf("Index(%d) = %q", i-len(model), v)
			}
		case 11:
			if len(model) == 0 {
				continue
			}
			start := r.IntN(len(model))
			stop := start + r.IntN(len(model)-start)
			rev := r.IntN(2) == 0
			var got [][]byte
			l.Range(start, stop, rev, func(v []byte) bool { got = append(got, bytes.Clone(v)); return true })
			var want [][]byte
			for i := start; i <= stop; i++ {
				if rev {
					want = append(want, model[len(model)-1-i])
				} else {
					want = append(want, model[i])
				}
			}
			if len(got) != len(want) {
				t.Fatalf("Range(%d,%d,%v) gave %d elements, want %d", start, stop, rev, len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("Range(%d,%d,%v)[%d] = %q, want %q", start, stop, rev, i, got[i], want[i])
				}
			}
		}
		checkList(t, &l, model)
	}
}

func TestPositions(t *testing.T) {
	var l List
	for _, s := range []string{"a", "b", "c", "1", "2", "3", "c", "c"} {
		l.PushRight([]byte(s))
	}
	cases := []struct {
		rank, count, maxlen int
		want                []int
	}{
		{1, 1, 0, []int{2}},
		{1, 0, 0, []int{2, 6, 7}},
		{2, 0, 0, []int{6, 7}},
		{-1, 0, 0, []int{7, 6, 2}},
		{-1, 2, 0, []int{7, 6}},
		{1, 0, 3, []int{2}},
		{1, 0, 2, nil},
		{-3, 1, 0, []int{2}},
	}
	for _, c := range cases {
		if got := l.Positions([]byte("c"), c.rank, c.count, c.maxlen); !slices.Equal(got, c.want) {
			t.Errorf("Positions(c, rank %d, count %d, maxlen %d) = %v, want %v", c.rank, c.count, c.maxlen, got, c.want)
		}
	}
}

func TestChunksFillTo8KiB(t *testing.T) {
	var l List
	for i := 0; i < 100000; i++ {
		l.PushLeft([]byte("0123456789"))
	}
	// 10-byte values take 12 bytes: about 682 per 8 KiB chunk.
	if c := l.Chunks(); c < 140 || c > 150 {
		t.Fatalf("%d chunks for 100000 12-byte entries, want ~147", c)
	}
}

func BenchmarkPushPop(b *testing.B) {
	var l List
	v := []byte("value:12345")
	for i := 0; i < b.N; i++ {
		l.PushLeft(v)
		if l.Len() > 100000 {
			l.PopRight()
		}
	}
}

func BenchmarkIndexMiddle(b *testing.B) {
	var l List
	for i := 0; i < 100000; i++ {
		l.PushRight([]byte("value:12345"))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Index(50000)
	}
}

// TestMemoryPerElement measures bytes per element for one big list and
// many small ones (numbers recorded in docs/types.md).
func TestMemoryPerElement(t *testing.T) {
	typetest.SkipUnlessMeasuring(t)
	const n = 1000000
	big := typetest.HeapAfter(func() any {
		l := &List{}
		for i := 0; i < n; i++ {
			l.PushRight(fmt.Appendf(nil, "value:%d", i))
		}
		return l
	})
	small := typetest.HeapAfter(func() any {
		ls := make([]*List, 100000)
		for k := range ls {
			ls[k] = &List{}
			for i := 0; i < 10; i++ {
				ls[k].PushRight(fmt.Appendf(nil, "value:%d", i))
			}
		}
		return ls
	})
	t.Logf("list: 1M elements: %.1f B/elem; 100k lists x 10: %.1f B/elem (incl. *List)", float64(big)/n, float64(small)/1e6)
	if float64(big)/n > 20 {
		t.Errorf("big list costs %.1f B per element, want under 20", float64(big)/n)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	var l List
	for i := 0; i < 2000; i++ {
		l.PushRight([]byte(fmt.Sprint(i)))
	}
	c := l.Clone()
	l.Set(0, []byte("changed"))
	l.PopRight()
	if v, _ := c.Index(0); string(v) != "0" || c.Len() != 2000 {
		t.Fatalf("clone changed with the original: %q, %d", v, c.Len())
	}
}
