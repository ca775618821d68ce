// Package cmdarg reads command arguments the way Redis's C does
// (strcasecmp, parseScanCursorOrReply, the SCAN family's MATCH and
// COUNT; integers are resp.ParseInt, Redis's string2ll), so the data
// types' commands accept and refuse exactly what redis-server does, with
// its error text.
package cmdarg

import (
	"math"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Redis's error replies, byte for byte.
const (
	ErrNotInt   = "ERR value is not an integer or out of range"
	ErrPositive = "ERR value is out of range, must be positive"
)

// Is reports whether arg is word (lowercase) in any case, as strcasecmp.
func Is(arg []byte, word string) bool {
	if len(arg) != len(word) {
		return false
	}
	for i := range arg {
		c := arg[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}

// IsSpace is C's isspace in the "C" locale: Redis's number parsers refuse
// an argument that starts with one, where strtod and strtoul would skip it.
func IsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// Cursor is parseScanCursorOrReply's reading: strtoul over the whole
// string, no leading space ("-1" wraps around, as in C).
func Cursor(b []byte) (uint64, bool) {
	if len(b) == 0 || IsSpace(b[0]) {
		return 0, len(b) == 0
	}
	s := string(b)
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || (len(s) > 0 && (s[0] == '+' || s[0] == '-')) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// ScanOptions parses [MATCH pattern] [COUNT count] from argument i on
// (scanGenericCommand); a reply was written when ok is false. A pattern
// of "*" comes back nil: everything matches.
func ScanOptions(c *server.Client, i int) (count int, pattern []byte, ok bool) {
	count = 10
	for ; i < len(c.Args); i += 2 {
		more := i+1 < len(c.Args)
		switch {
		case Is(c.Args[i], "count") && more:
			n, ok := resp.ParseInt(c.Args[i+1])
			if !ok {
				c.W.Error(ErrNotInt)
				return 0, nil, false
			}
			if n < 1 {
				c.ErrSyntax()
				return 0, nil, false
			}
			count = int(min(n, math.MaxInt32))
		case Is(c.Args[i], "match") && more:
			pattern = c.Args[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		default:
			c.ErrSyntax()
			return 0, nil, false
		}
	}
	return count, pattern, true
}

// RandomCount reads the count of HRANDFIELD, SRANDMEMBER and
// ZRANDMEMBER (argument 2): any long but LONG_MIN, whose negation would
// overflow. A reply was written when ok is false.
func RandomCount(c *server.Client) (n int64, ok bool) {
	n, ok = resp.ParseInt(c.Args[2])
	switch {
	case !ok:
		c.W.Error(ErrNotInt)
	case n == math.MinInt64:
		c.W.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
		ok = false
	}
	return n, ok
}

// RandomCountWith reads the arguments of HRANDFIELD and ZRANDMEMBER after
// the key: the count, then at most the one word (WITHVALUES, WITHSCORES),
// which limits the count to half a long so the reply's pairs fit. A reply
// was written when ok is false.
func RandomCountWith(c *server.Client, word string) (n int64, with, ok bool) {
	if n, ok = RandomCount(c); !ok {
		return 0, false, false
	}
	switch {
	case len(c.Args) > 4 || (len(c.Args) == 4 && !Is(c.Args[3], word)):
		c.ErrSyntax()
		return 0, false, false
	case len(c.Args) == 4 && (n < -math.MaxInt64/2 || n > math.MaxInt64/2):
		c.W.Error("ERR value is out of range")
		return 0, false, false
	}
	return n, len(c.Args) == 4, true
}

// PopCount reads the optional count of LPOP, RPOP, SPOP, ZPOPMIN and
// ZPOPMAX (argument 2): -1 when there is none, else a non-negative
// integer. A reply was written when ok is false.
func PopCount(c *server.Client) (int64, bool) {
	if len(c.Args) < 3 {
		return -1, true
	}
	n, ok := resp.ParseInt(c.Args[2])
	if !ok || n < 0 {
		c.W.Error(ErrPositive)
		return 0, false
	}
	return n, true
}

// Clamp turns the start and stop indexes of LRANGE, LTRIM, ZRANGE and
// ZREMRANGEBYRANK (negative counts from the end) into a range
// 0 <= start <= stop < n, as Redis sanitizes them; ok is false when the
// range is empty.
func Clamp(start, stop int64, n int) (int, int, bool) {
	ln := int64(n)
	if start < 0 {
		start += ln
	}
	if stop < 0 {
		stop += ln
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= ln {
		return 0, 0, false
	}
	if stop >= ln {
		stop = ln - 1
	}
	return int(start), int(stop), true
}

// MPop parses the arguments of LMPOP, BLMPOP, ZMPOP and BZMPOP from
// numkeysIdx on: numkeys key [key ...] side [COUNT count], with Redis's
// errors (lmpopGenericCommand, zmpopGenericCommand). side reads the
// LEFT|RIGHT or MIN|MAX word; count is 1 when not given. A reply was
// written when ok is false.
func MPop(c *server.Client, numkeysIdx int, side func([]byte) (bool, bool)) (keys [][]byte, where bool, count int64, ok bool) {
	numkeys, ok := resp.ParseInt(c.Args[numkeysIdx])
	if !ok || numkeys <= 0 {
		c.W.Error("ERR numkeys should be greater than 0")
		return nil, false, 0, false
	}
	if numkeys >= int64(len(c.Args)-numkeysIdx-1) {
		c.ErrSyntax()
		return nil, false, 0, false
	}
	whereIdx := numkeysIdx + 1 + int(numkeys)
	where, ok = side(c.Args[whereIdx])
	if !ok {
		c.ErrSyntax()
		return nil, false, 0, false
	}
	count = -1
	for j := whereIdx + 1; j < len(c.Args); j++ {
		if count == -1 && Is(c.Args[j], "count") && j+1 < len(c.Args) {
			j++
			n, ok := resp.ParseInt(c.Args[j])
			if !ok || n <= 0 {
				c.W.Error("ERR count should be greater than 0")
				return nil, false, 0, false
			}
			count = n
			continue
		}
		c.ErrSyntax()
		return nil, false, 0, false
	}
	if count == -1 {
		count = 1
	}
	return c.Args[numkeysIdx+1 : whereIdx], where, count, true
}
