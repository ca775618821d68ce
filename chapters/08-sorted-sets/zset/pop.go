package zset

import (
	"strconv"

	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// Replier is what a pop writes its reply with: the running command's
// writer, or the writer of a blocked client being served (package block).
type Replier interface {
	Array(int)
	Bulk([]byte)
	Double(float64)
}

// Side parses MIN or MAX (true: min), for ZMPOP and BZMPOP.
func Side(arg []byte) (min, ok bool) {
	switch {
	case cmdarg.Is(arg, "min"):
		return true, true
	case cmdarg.Is(arg, "max"):
		return false, true
	}
	return false, false
}

// PopOne removes and returns the lowest (min) or highest member.
func PopOne(z *ZSet, min bool) (m []byte, score float64) {
	z.RangeByRank(0, 0, !min, func(mm []byte, s float64) bool {
		m, score = append([]byte(nil), mm...), s
		return false
	})
	z.Remove(m)
	return m, score
}

// Pop is the pop of genericZpopCommand shared by ZMPOP, BZMPOP and
// BZPOPMIN/MAX: with count -1 (BZPOPMIN/MAX) it pops one member and
// replies [key, member, score], else up to count members as [key,
// [[member, score] ...]]. It deletes the sorted set if that emptied it
// and returns the ZPOPMIN/ZPOPMAX key n that replays it, n the number
// popped, as Redis rewrites the command for its AOF.
func Pop(rw Replier, db *keyspace.DB, now int64, key []byte, z *ZSet, min bool, count int64) [][]byte {
	name := "ZPOPMAX"
	if min {
		name = "ZPOPMIN"
	}
	prop := [][]byte{[]byte(name), key}
	if count < 0 {
		m, s := PopOne(z, min)
		rw.Array(3)
		rw.Bulk(key)
		rw.Bulk(m)
		rw.Double(s)
	} else {
		n := int(min64(count, int64(z.Len())))
		rw.Array(2)
		rw.Bulk(key)
		rw.Array(n)
		for i := 0; i < n; i++ {
			m, s := PopOne(z, min)
			rw.Array(2)
			rw.Bulk(m)
			rw.Double(s)
		}
		prop = append(prop, strconv.AppendInt(nil, int64(n), 10))
	}
	if z.Len() == 0 {
		db.Delete(key, now)
	}
	return prop
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}
