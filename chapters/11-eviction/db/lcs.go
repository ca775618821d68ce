package db

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// lcsOptions are LCS's options: LEN, IDX, MINMATCHLEN len, WITHMATCHLEN.
type lcsOptions struct {
	getLen, getIdx, withMatchLen bool
	minMatchLen                  int64
}

// lcs is LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
// (lcsCommand): the longest common subsequence of two strings by the
// classic dynamic programming table, walked back from its end, so the
// IDX matches come last-first as Redis lists them. A missing key is the
// empty string; the table may not exceed proto-max-bulk-len bytes.
func (k *Keys) lcs(c *server.Client) {
	a, ok1 := k.lcsString(c, c.Args[1])
	b, ok2 := k.lcsString(c, c.Args[2])
	if !ok1 || !ok2 {
		c.Error("ERR The specified keys must contain string values")
		return
	}
	var opt lcsOptions
	for j := 3; j < len(c.Args); j++ {
		switch arg := c.Args[j]; {
		case cmdarg.Is(arg, "idx"):
			opt.getIdx = true
		case cmdarg.Is(arg, "len"):
			opt.getLen = true
		case cmdarg.Is(arg, "withmatchlen"):
			opt.withMatchLen = true
		case cmdarg.Is(arg, "minmatchlen") && j+1 < len(c.Args):
			n, ok := resp.ParseInt(c.Args[j+1])
			if !ok {
				c.Error(cmdarg.ErrNotInt)
				return
			}
			opt.minMatchLen = max(n, 0)
			j++
		default:
			c.ErrSyntax()
			return
		}
	}
	if opt.getIdx && opt.getLen {
		c.Error("ERR If you want both the length and indexes, please just use IDX.")
		return
	}
	maxTable := c.Srv.MaxBulkLen
	if maxTable == 0 {
		maxTable = resp.MaxBulkLen
	}
	if size := int64(len(a)+1) * int64(len(b)+1) * 4; size > maxTable {
		c.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
		return
	}
	writeLCS(c, a, b, opt)
}

// lcsString is a key's string for LCS: "" when absent; ok is false when
// the key holds another type.
func (k *Keys) lcsString(c *server.Client, key []byte) ([]byte, bool) {
	e := k.LookupRead(c, key)
	if e == nil {
		return nil, true
	}
	return e.Bytes()
}

// lcsMatch is one IDX match: a[aStart..aEnd] equals b[bStart..bEnd].
type lcsMatch struct{ aStart, aEnd, bStart, bEnd int }

// computeLCS builds the table of LCS lengths of every pair of prefixes,
// then walks it back from the ends of the strings, as lcsCommand does:
// the common subsequence, and (with idx) its runs of consecutive
// matches, last first, those shorter than minMatchLen left out.
func computeLCS(a, b []byte, idx bool, minMatchLen int64) (result []byte, matches []lcsMatch) {
	alen, blen := len(a), len(b)
	width := blen + 1
	table := make([]uint32, (alen+1)*width)
	at := func(i, j int) uint32 { return table[i*width+j] }
	for i := 1; i <= alen; i++ {
		for j := 1; j <= blen; j++ {
			if a[i-1] == b[j-1] {
				table[i*width+j] = at(i-1, j-1) + 1
			} else {
				table[i*width+j] = max(at(i-1, j), at(i, j-1))
			}
		}
	}
	n := int(at(alen, blen))
	result = make([]byte, n)
	aStart, aEnd, bStart, bEnd := alen, 0, 0, 0 // aStart == alen: no run open
	for i, j := alen, blen; i > 0 && j > 0; {
		emit := false
		if a[i-1] == b[j-1] {
			result[n-1] = a[i-1]
			if aStart == alen {
				aStart, aEnd, bStart, bEnd = i-1, i-1, j-1, j-1
			} else if aStart == i && bStart == j {
				aStart--
				bStart--
			} else {
				emit = true
			}
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			n, i, j = n-1, i-1, j-1
		} else {
			if at(i-1, j) > at(i, j-1) {
				i--
			} else {
				j--
			}
			if aStart != alen {
				emit = true
			}
		}
		if emit {
			if l := aEnd - aStart + 1; idx && (minMatchLen == 0 || int64(l) >= minMatchLen) {
				matches = append(matches, lcsMatch{aStart, aEnd, bStart, bEnd})
			}
			aStart = alen
		}
	}
	return result, matches
}

// writeLCS replies as lcsCommand does: LEN's length, IDX's map of
// matches and length, or the subsequence itself.
func writeLCS(c *server.Client, a, b []byte, opt lcsOptions) {
	result, matches := computeLCS(a, b, opt.getIdx, opt.minMatchLen)
	switch {
	case opt.getLen:
		c.W.Int(int64(len(result)))
		return
	case !opt.getIdx:
		c.W.Bulk(result)
		return
	}
	c.W.Map(2)
	c.W.BulkString("matches")
	c.W.Array(len(matches))
	for _, m := range matches {
		if opt.withMatchLen {
			c.W.Array(3)
		} else {
			c.W.Array(2)
		}
		c.W.Array(2)
		c.W.Int(int64(m.aStart))
		c.W.Int(int64(m.aEnd))
		c.W.Array(2)
		c.W.Int(int64(m.bStart))
		c.W.Int(int64(m.bEnd))
		if opt.withMatchLen {
			c.W.Int(int64(m.aEnd - m.aStart + 1))
		}
	}
	c.W.BulkString("len")
	c.W.Int(int64(len(result)))
}
