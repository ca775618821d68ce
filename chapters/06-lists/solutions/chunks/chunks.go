// Package chunks is the solution of chapter 06's second exercise:
// predict how many quicklist chunks a list of equal elements takes for a
// list-max-listpack-size, from the size of one listpack entry.
package chunks

import "github.com/gocache/gocache/chapters/06-lists/listpack"

// Predict is the number of chunks RPUSH of n elements of size bytes
// makes with fill (list-max-listpack-size): a negative fill limits a
// chunk to 4 KiB << (-fill-1) bytes (at most 64 KiB), a positive one to
// fill entries and never more than 8 KiB.
func Predict(n, size, fill int) int {
	entry := listpack.EntrySize(make([]byte, size))
	var perChunk int
	if fill < 0 {
		limit := 4096 << (min(-fill, 5) - 1)
		perChunk = max(limit/entry, 1)
	} else {
		perChunk = max(min(fill, 8192/entry), 1)
	}
	return (n + perChunk - 1) / perChunk
}
