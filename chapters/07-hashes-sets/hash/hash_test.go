package hash

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typetest"
)

func TestHashMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	lim := Limits{Entries: 16, Value: 8}
	for round := 0; round < 20; round++ {
		var h Hash
		model := map[string]string{}
		for step := 0; step < 400; step++ {
			f := fmt.Sprint("f", r.IntN(20+round))
			switch r.IntN(3) {
			case 0:
				v := fmt.Sprint(r.IntN(1000))
				if r.IntN(50) == 0 {
					v = strings.Repeat("v", 9)
				}
				_, had := model[f]
				if isNew := h.Set([]byte(f), []byte(v), lim); isNew == had {
					t.Fatalf("Set(%s) isNew = %v", f, isNew)
				}
				model[f] = v
			case 1:
				_, had := model[f]
				if h.Delete([]byte(f)) != had {
					t.Fatalf("Delete(%s) != %v", f, had)
				}
				delete(model, f)
			case 2:
				v, ok := h.Get([]byte(f))
				want, had := model[f]
				if ok != had || string(v) != want {
					t.Fatalf("Get(%s) = %q %v, want %q %v", f, v, ok, want, had)
				}
			}
			if h.Len() != len(model) {
				t.Fatalf("Len = %d, want %d", h.Len(), len(model))
			}
			if h.Encoding() == EncListpack && h.Len() > lim.Entries {
				t.Fatalf("listpack with %d fields", h.Len())
			}
		}
		got := map[string]string{}
		h.Scan(0, 10, func(f, v []byte) { got[string(f)] = string(v) })
		if h.Encoding() == EncListpack && len(got) != len(model) {
			t.Fatalf("listpack scan returned %d of %d pairs", len(got), len(model))
		}
	}
}

// TestConversionRules pins Redis 7.0's hashTypeSet/TryConversion rules.
func TestConversionRules(t *testing.T) {
	var h Hash
	for i := 0; i < 512; i++ {
		h.Set([]byte(fmt.Sprint("f", i)), []byte("v"), DefaultLimits)
	}
	if h.Encoding() != EncListpack {
		t.Fatalf("512 fields: %s, want listpack", h.Encoding())
	}
	h.Set([]byte("f0"), []byte("w"), DefaultLimits)
	if h.Encoding() != EncListpack {
		t.Fatalf("overwrite at 512: %s", h.Encoding())
	}
	h.Set([]byte("f512"), []byte("v"), DefaultLimits)
	if h.Encoding() != EncHashtable {
		t.Fatalf("513 fields: %s, want hashtable", h.Encoding())
	}
	h.Delete([]byte("f512"))
	h.Delete([]byte("f511"))
	if h.Encoding() != EncHashtable {
		t.Fatal("a hashtable converted back")
	}

	var v Hash
	v.Set([]byte("a"), []byte(strings.Repeat("x", 64)), DefaultLimits)
	if v.Encoding() != EncListpack {
		t.Fatal("64-byte value: want listpack")
	}
	v.Set([]byte("b"), []byte(strings.Repeat("x", 65)), DefaultLimits)
	if v.Encoding() != EncHashtable {
		t.Fatal("65-byte value: want hashtable")
	}
	if got, _ := v.Get([]byte("a")); len(got) != 64 {
		t.Fatal("value lost in conversion")
	}

	var c Hash
	c.TryConvert([][]byte{[]byte("short"), []byte(strings.Repeat("y", 65))}, DefaultLimits)
	if c.Encoding() != EncHashtable {
		t.Fatal("TryConvert with a long argument kept listpack")
	}
}

func TestListpackKeepsInsertionOrder(t *testing.T) {
	var h Hash
	for _, f := range []string{"z", "a", "m", "a"} {
		h.Set([]byte(f), []byte(f+"!"), DefaultLimits)
	}
	var order []string
	h.All(func(f, v []byte) bool { order = append(order, string(f)+"="+string(v)); return true })
	if strings.Join(order, " ") != "z=z! a=a! m=m!" {
		t.Fatalf("order %v", order)
	}
	if f, v, ok := h.Pair(1); !ok || string(f) != "a" || string(v) != "a!" {
		t.Fatalf("Pair(1) = %s %s %v", f, v, ok)
	}
}

func BenchmarkSetListpack(b *testing.B) {
	fields := make([][]byte, 100)
	for i := range fields {
		fields[i] = []byte(fmt.Sprint("field:", i))
	}
	var h Hash
	for i := 0; i < b.N; i++ {
		h.Set(fields[i%100], []byte("value"), DefaultLimits)
	}
}

func BenchmarkSetHashtable(b *testing.B) {
	fields := make([][]byte, 1<<16)
	for i := range fields {
		fields[i] = []byte(fmt.Sprint("field:", i))
	}
	var h Hash
	for i := 0; i < b.N; i++ {
		h.Set(fields[i&(1<<16-1)], []byte("value"), DefaultLimits)
	}
}

func TestMemoryPerField(t *testing.T) {
	typetest.SkipUnlessMeasuring(t)
	const n = 1000000
	big := typetest.HeapAfter(func() any {
		h := &Hash{}
		for i := 0; i < n; i++ {
			h.Set(fmt.Appendf(nil, "field:%d", i), fmt.Appendf(nil, "value:%d", i), DefaultLimits)
		}
		return h
	})
	small := typetest.HeapAfter(func() any {
		hs := make([]*Hash, 100000)
		for k := range hs {
			hs[k] = &Hash{}
			for i := 0; i < 10; i++ {
				hs[k].Set(fmt.Appendf(nil, "field:%d", i), fmt.Appendf(nil, "value:%d", i), DefaultLimits)
			}
		}
		return hs
	})
	t.Logf("hash: 1M fields (hashtable): %.1f B/field; 100k hashes x 10 (listpack): %.1f B/field", float64(big)/n, float64(small)/1e6)
	if float64(big)/n > 120 {
		t.Errorf("hashtable field costs %.1f B", float64(big)/n)
	}
}

func TestCloneIsIndependent(t *testing.T) {
	for _, n := range []int{3, 600} {
		var h Hash
		for i := 0; i < n; i++ {
			h.Set([]byte(fmt.Sprint("f", i)), []byte("v"), DefaultLimits)
		}
		c := h.Clone()
		h.Set([]byte("f0"), []byte("changed"), DefaultLimits)
		h.Delete([]byte("f1"))
		if v, _ := c.Get([]byte("f0")); string(v) != "v" || c.Len() != n || c.Encoding() != h.Encoding() {
			t.Fatalf("clone of %d fields changed with the original", n)
		}
	}
}
