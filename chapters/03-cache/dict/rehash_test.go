package dict

import (
	"strconv"
	"testing"
)

// TestExpandSizesAnEmptyTableOnce: after Expand(n), inserting n keys
// starts no rehash; a table with keys ignores Expand.
func TestExpandSizesAnEmptyTableOnce(t *testing.T) {
	var tb Table[entry[int], *entry[int]]
	tb.Expand(1000)
	if tb.Buckets() != 1024 {
		t.Fatalf("%d buckets after Expand(1000), want 1024", tb.Buckets())
	}
	for i := range 1000 {
		tb.Insert(strconv.Itoa(i))
		if tb.Rehashing() {
			t.Fatalf("rehashing after %d inserts", i+1)
		}
	}
	tb.Expand(1 << 20)
	if tb.Buckets() != 1024 {
		t.Fatalf("Expand changed a table that holds keys: %d buckets", tb.Buckets())
	}
}
