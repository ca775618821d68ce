package dict

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// check verifies a table's invariants: every linked entry sits in the
// bucket its hash selects and is linked once, buckets below rehashIdx
// are empty, the counts match, and free slots are marked and unlinked.
func check[E any, P Linked[E]](t testing.TB, tb *Table[E, P]) {
	t.Helper()
	linked := map[uint32]bool{}
	for ti := 0; ti < 2; ti++ {
		n := 0
		for i, s := range tb.ht[ti] {
			if ti == 0 && tb.rehashing && i < tb.rehashIdx && s != 0 {
				t.Fatalf("bucket %d below rehashIdx %d not empty", i, tb.rehashIdx)
			}
			for s != 0 {
				key, next := tb.Entry(s - 1).DictLink()
				if linked[s-1] {
					t.Fatalf("slot %d linked twice", s-1)
				}
				linked[s-1] = true
				if *next&freeBit != 0 {
					t.Fatalf("slot %d linked but free", s-1)
				}
				if got := tb.hash(keyBytes(*key)) & uint64(len(tb.ht[ti])-1); got != uint64(i) {
					t.Fatalf("key %q in bucket %d, hashes to %d", *key, i, got)
				}
				n++
				s = *next
			}
		}
		if n != tb.used[ti] {
			t.Fatalf("table %d: %d entries linked, used = %d", ti, n, tb.used[ti])
		}
	}
	free := 0
	for f := tb.free; f != 0; {
		if linked[f-1] {
			t.Fatalf("free slot %d is linked", f-1)
		}
		_, next := tb.Entry(f - 1).DictLink()
		if *next&freeBit == 0 {
			t.Fatalf("free slot %d not marked free", f-1)
		}
		free++
		f = *next &^ freeBit
	}
	if free+len(linked) != int(tb.slots) {
		t.Fatalf("%d free + %d linked slots, %d handed out", free, len(linked), tb.slots)
	}
}

func TestRehashIsIncremental(t *testing.T) {
	var d Dict[int]
	tb := &d.t
	for i := 0; i < 4; i++ {
		d.Set([]byte(fmt.Sprint(i)), i)
	}
	if tb.rehashing {
		t.Fatal("rehashing before the table is full")
	}
	d.Set([]byte("4"), 4)
	if !tb.rehashing || len(tb.ht[1]) != 8 {
		t.Fatalf("after 5 keys in 4 buckets: rehashing=%v, new size %d", tb.rehashing, len(tb.ht[1]))
	}
	// Grow to 1024 buckets and catch a rehash in progress with many
	// buckets still to move: each lookup moves one bucket only.
	for i := 5; i < 1025; i++ {
		d.Set([]byte(fmt.Sprint(i)), i)
	}
	if !tb.rehashing || len(tb.ht[0]) != 1024 || len(tb.ht[1]) != 2048 {
		t.Fatalf("rehashing=%v sizes %d/%d", tb.rehashing, len(tb.ht[0]), len(tb.ht[1]))
	}
	before := tb.rehashIdx
	d.Get([]byte("7"))
	check(t, tb)
	if moved := tb.rehashIdx - before; moved < 1 || moved > 11 {
		t.Fatalf("one lookup moved rehashIdx by %d", moved)
	}
	steps := 0
	for tb.Rehash(1) {
		steps++
		check(t, tb)
		if steps > 2000 {
			t.Fatal("rehash does not finish")
		}
	}
	if steps < 100 {
		t.Fatalf("rehash finished in %d steps of one bucket", steps)
	}
	check(t, tb)
	for i := 0; i < 1025; i++ {
		if p := d.Get([]byte(fmt.Sprint(i))); p == nil || *p != i {
			t.Fatalf("key %d lost in rehash", i)
		}
	}
	// Deleting down to < 10% fill shrinks the table.
	for i := 0; i < 1020; i++ {
		d.Delete([]byte(fmt.Sprint(i)))
	}
	for tb.Rehash(100) {
	}
	check(t, tb)
	if len(tb.ht[0]) > 16 {
		t.Fatalf("table of %d buckets for %d keys", len(tb.ht[0]), d.Len())
	}
}

// TestTableInvariantsUnderChurn runs random inserts and deletes through
// growth and shrinking, checking the structure after every step.
func TestTableInvariantsUnderChurn(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var d Dict[int]
	for step := 0; step < 4000; step++ {
		k := []byte(fmt.Sprint(r.IntN(600)))
		if step > 2500 {
			k = []byte(fmt.Sprint(r.IntN(40)))
			d.Delete([]byte(fmt.Sprint(40 + r.IntN(560))))
		}
		if r.IntN(2) == 0 {
			d.Set(k, step)
		} else {
			d.Delete(k)
		}
		check(t, &d.t)
	}
}

// TestCursorOrder pins the order SCAN visits buckets in, Redis's reverse
// binary counter: with 8 buckets, 0 4 2 6 1 5 3 7 and then 0 (done).
func TestCursorOrder(t *testing.T) {
	var got []uint64
	for v := uint64(0); ; {
		got = append(got, v)
		if v = nextCursor(v, 7); v == 0 {
			break
		}
	}
	if fmt.Sprint(got) != "[0 4 2 6 1 5 3 7]" {
		t.Fatalf("cursor order %v", got)
	}
}

// TestScanCursorIsRedisCursor checks that the cursors Scan returns are
// bucket indexes in that order: one bucket per call with count 1 on a
// table of 8 buckets that is not resizing.
func TestScanCursorIsRedisCursor(t *testing.T) {
	var d Dict[int]
	for i := 0; i < 6; i++ {
		d.Set([]byte(fmt.Sprint(i)), i)
	}
	for d.t.Rehash(100) {
	}
	if len(d.t.ht[0]) != 8 {
		t.Fatalf("%d buckets, want 8", len(d.t.ht[0]))
	}
	want := map[uint64]uint64{0: 4, 4: 2, 2: 6, 6: 1, 1: 5, 5: 3, 3: 7, 7: 0}
	for cursor, n := uint64(0), 0; n < 8; n++ {
		// count 0 visits exactly one bucket, whatever it holds.
		next := d.Scan(cursor, 0, func(string, *int) {})
		if next != want[cursor] {
			t.Fatalf("Scan(%d) returned cursor %d, want %d", cursor, next, want[cursor])
		}
		cursor = next
	}
}
