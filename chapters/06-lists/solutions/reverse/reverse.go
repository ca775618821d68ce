// Package reverse is the solution of chapter 06's first exercise: walk a
// listpack from its last entry to its first with Last and Prev, the way
// RPOP and LINDEX -1 reach the tail without walking the whole pack.
package reverse

import "github.com/gocache/gocache/chapters/06-lists/listpack"

// Reverse returns the entries of p last to first (copies).
func Reverse(p *listpack.Pack) [][]byte {
	out := make([][]byte, 0, p.Len())
	for o := p.Last(); o >= 0; o = p.Prev(o) {
		v, _ := p.Get(o)
		out = append(out, append([]byte(nil), v...))
	}
	return out
}

// BacklenBytes is how many bytes Prev reads to step back over an entry
// of n data bytes: its backlen, which holds the size of the entry's
// header and data, seven bits per byte.
func BacklenBytes(n int) int {
	size := listpack.EntrySize(make([]byte, n))
	header := 1
	for x := uint64(n); x >= 0x80; x >>= 7 {
		header++
	}
	return size - header - n
}
