package dict

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
)

func TestEntryIsLean(t *testing.T) {
	if s := unsafe.Sizeof(entry[struct{}]{}); s != 24 {
		t.Errorf("set entry is %d bytes, want 24", s)
	}
	if s := unsafe.Sizeof(entry[string]{}); s != 40 {
		t.Errorf("hash entry is %d bytes, want 40", s)
	}
}

func TestChunkOfCoversEverySlotOnce(t *testing.T) {
	next := map[int]uint32{}
	for slot := uint32(0); slot < 10000; slot++ {
		k, i := chunkOf(slot)
		if i != next[k] || int(i) >= chunkLen(k) {
			t.Fatalf("slot %d -> chunk %d index %d, want index %d of %d", slot, k, i, next[k], chunkLen(k))
		}
		next[k]++
	}
}

func TestDictMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var d Dict[int]
	model := map[string]int{}
	for step := 0; step < 200000; step++ {
		k := fmt.Sprint(r.IntN(3000))
		if step > 100000 {
			k = fmt.Sprint(r.IntN(300)) // shrink back down
		}
		switch r.IntN(3) {
		case 0:
			_, had := model[k]
			if isNew := d.Set([]byte(k), step); isNew == had {
				t.Fatalf("Set(%s) isNew = %v, present = %v", k, isNew, had)
			}
			model[k] = step
		case 1:
			v, ok := d.Delete([]byte(k))
			want, had := model[k]
			if ok != had || v != want {
				t.Fatalf("Delete(%s) = %d %v, want %d %v", k, v, ok, want, had)
			}
			delete(model, k)
			if step > 100000 {
				// delete the big range too, so the table shrinks
				big := fmt.Sprint(300 + r.IntN(2700))
				d.Delete([]byte(big))
				delete(model, big)
			}
		case 2:
			p := d.Get([]byte(k))
			want, had := model[k]
			if (p != nil) != had || (p != nil && *p != want) {
				t.Fatalf("Get(%s) wrong", k)
			}
		}
		if d.Len() != len(model) {
			t.Fatalf("Len = %d, want %d", d.Len(), len(model))
		}
	}
	n := 0
	for k, v := range d.All() {
		if model[k] != *v {
			t.Fatalf("All gave %s=%d, want %d", k, *v, model[k])
		}
		n++
	}
	if n != len(model) {
		t.Fatalf("All gave %d keys, want %d", n, len(model))
	}
}

// TestScanReturnsEveryKeyWhileResizing checks SCAN's guarantee: keys
// present for the whole scan are returned, while the table grows and
// shrinks between calls.
func TestScanReturnsEveryKeyWhileResizing(t *testing.T) {
	for _, grow := range []bool{true, false} {
		var d Dict[struct{}]
		stable := map[string]bool{}
		for i := 0; i < 500; i++ {
			k := fmt.Sprint("s", i)
			d.Set([]byte(k), struct{}{})
			stable[k] = true
		}
		if !grow {
			for i := 0; i < 5000; i++ {
				d.Set([]byte(fmt.Sprint("t", i)), struct{}{})
			}
		}
		seen := map[string]bool{}
		var cursor uint64
		for calls, extra := 0, 0; ; calls++ {
			cursor = d.Scan(cursor, 10, func(k string, _ *struct{}) { seen[k] = true })
			if cursor == 0 {
				break
			}
			if calls > 100000 {
				t.Fatal("scan does not end")
			}
			if grow {
				for i := 0; i < 20; i++ {
					d.Set([]byte(fmt.Sprint("g", extra)), struct{}{})
					extra++
				}
			} else if extra < 5000 {
				for i := 0; i < 50 && extra < 5000; i++ {
					d.Delete([]byte(fmt.Sprint("t", extra)))
					extra++
				}
			}
		}
		for k := range stable {
			if !seen[k] {
				t.Fatalf("grow=%v: scan missed %s", grow, k)
			}
		}
	}
}

func TestRandomIsRoughlyFair(t *testing.T) {
	var d Dict[int]
	for i := 0; i < 10; i++ {
		d.Set([]byte(fmt.Sprint(i)), i)
	}
	counts := map[string]int{}
	for i := 0; i < 10000; i++ {
		k, _, ok := d.Random()
		if !ok {
			t.Fatal("Random on a non-empty dict failed")
		}
		counts[k]++
	}
	for k, c := range counts {
		if c < 700 || c > 1300 {
			t.Errorf("key %s drawn %d times of 10000", k, c)
		}
	}
	var empty Dict[int]
	if _, _, ok := empty.Random(); ok {
		t.Error("Random on an empty dict succeeded")
	}
}

func TestDeleteWhileIterating(t *testing.T) {
	var d Dict[int]
	for i := 0; i < 100; i++ {
		d.Set([]byte(fmt.Sprint(i)), i)
	}
	for k := range d.All() {
		d.Delete([]byte(k))
	}
	if d.Len() != 0 {
		t.Fatalf("%d keys left", d.Len())
	}
}

func BenchmarkSetGet(b *testing.B) {
	var d Dict[int]
	keys := make([][]byte, 1<<16)
	for i := range keys {
		keys[i] = []byte(fmt.Sprint("member:", i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i&(len(keys)-1)]
		d.Set(k, i)
		d.Get(k)
	}
}
