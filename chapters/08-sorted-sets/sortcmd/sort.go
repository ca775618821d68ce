// Package sortcmd is Redis's SORT and SORT_RO (sort.c): the elements of
// a list, set or sorted set ordered by their own value or by keys their
// value names (BY pattern, hash fields with ->), numerically or by bytes
// (ALPHA), with LIMIT, GET patterns and STORE into a list.
package sortcmd

import (
	"bytes"
	"math"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
)

// Commands are SORT and SORT_RO over the keyspace; STORE makes lists
// with the list commands' list-max-listpack-size.
type Commands struct {
	ks    typecmd.Keyspace
	lists *list.Commands
}

// Register adds SORT and SORT_RO to s.
func Register(s *server.Server, ks typecmd.Keyspace, lists *list.Commands) *Commands {
	sc := &Commands{ks: ks, lists: lists}
	const w, r, oom, mk = server.Write, server.ReadOnly, server.DenyOOM, server.Movablekeys
	sort := server.NewCommand("sort", -2, w|oom|mk, 1, 1, 1, "generic", func(c *server.Client) { sc.sort(c, false) })
	sort.KeysOf = keysOf
	s.Commands.Add(sort,
		server.NewCommand("sort_ro", -2, r|mk, 1, 1, 1, "generic", func(c *server.Client) { sc.sort(c, true) }),
	)
	return sc
}

// keysOf is SORT's keys: the sorted key, and the STORE destination, the
// last one given (Redis's sortGetKeys, which skips LIMIT's two arguments
// and GET's and BY's pattern).
func keysOf(args [][]byte) []server.KeyArg {
	keys := []server.KeyArg{{Pos: 1, Flags: []string{"RO", "access"}}}
	store := 0
	for i := 2; i < len(args); i++ {
		switch strings.ToLower(string(args[i])) {
		case "limit":
			i += 2
		case "get", "by":
			i++
		case "store":
			if i+1 < len(args) {
				store = i + 1
			}
		}
	}
	if store > 0 {
		keys = append(keys, server.KeyArg{Pos: store, Flags: []string{"OW", "update"}})
	}
	return keys
}

// options is a parsed SORT command.
type options struct {
	desc, alpha, dontSort  bool
	limitStart, limitCount int64
	by, store              []byte // nil when not given
	gets                   [][]byte
}

// parse reads the options after the key as sortCommandGeneric does; a
// reply was written when ok is false.
func parse(c *server.Client, readonly bool) (o options, ok bool) {
	o.limitCount = -1
	args := c.Args
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch a := args[j]; {
		case cmdarg.Is(a, "asc"):
			o.desc = false
		case cmdarg.Is(a, "desc"):
			o.desc = true
		case cmdarg.Is(a, "alpha"):
			o.alpha = true
		case cmdarg.Is(a, "limit") && left >= 2:
			var ok1, ok2 bool
			o.limitStart, ok1 = resp.ParseInt(args[j+1])
			o.limitCount, ok2 = resp.ParseInt(args[j+2])
			if !ok1 || !ok2 {
				c.W.Error(cmdarg.ErrNotInt)
				return o, false
			}
			j += 2
		case !readonly && cmdarg.Is(a, "store") && left >= 1:
			o.store = args[j+1]
			j++
		case cmdarg.Is(a, "by") && left >= 1:
			o.by = args[j+1]
			// A pattern without * names no key per element: nothing to
			// sort by, the elements keep their order. A later BY with a
			// * does not undo this, as in Redis.
			if bytes.IndexByte(cstr(o.by), '*') < 0 {
				o.dontSort = true
			}
			j++
		case cmdarg.Is(a, "get") && left >= 1:
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			c.ErrSyntax()
			return o, false
		}
	}
	return o, true
}

// item is one element to sort and what it sorts by.
type item struct {
	elem  []byte
	score float64 // numeric sort
	by    []byte  // ALPHA BY: the value of the pattern's key
	hasBy bool    // ... false when that key is missing
}

// sort is SORT and SORT_RO key [BY pattern] [LIMIT offset count]
// [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination].
func (sc *Commands) sort(c *server.Client, readonly bool) {
	o, ok := parse(c, readonly)
	if !ok {
		return
	}
	var value any
	if e := sc.lookup(c, c.Args[1]); e != nil {
		switch v := e.Value.(type) {
		case *list.List, *set.Set:
			value = v
		case *zset.ZSet:
			v.ToSkiplist()
			value = v
		default:
			c.W.Error(typecmd.ErrWrongType)
			return
		}
	}
	if _, isSet := value.(*set.Set); isSet && o.dontSort && o.store != nil {
		// A set has no order of its own: what is stored is sorted, so
		// that the AOF and replicas get the same list.
		o.dontSort, o.alpha, o.by = false, true, nil
	}
	items, start, end := sc.load(value, &o)
	convErr := false
	if !o.dontSort {
		convErr = sc.weigh(c, items, &o)
		cmp := compare(&o)
		if o.by != nil && (start != 0 || end != int64(len(items))-1) {
			partialSort(items, cmp, int(start), int(end))
		} else {
			// glibc's qsort, which Redis calls here, is a stable merge
			// sort: equal elements keep the order they were loaded in.
			stableSort(items, cmp)
		}
	}
	outLen := end - start + 1
	if len(o.gets) > 0 {
		outLen *= int64(len(o.gets))
	}
	switch {
	case convErr:
		c.W.Error("ERR One or more scores can't be converted into double")
	case o.store == nil:
		c.W.Array(int(outLen))
		for j := start; j <= end; j++ {
			if len(o.gets) == 0 {
				c.W.Bulk(items[j].elem)
			}
			for _, g := range o.gets {
				if v, ok := sc.byPattern(c, g, items[j].elem); ok {
					c.W.Bulk(v)
				} else {
					c.W.Null()
				}
			}
		}
	case outLen <= 0:
		sc.storeResult(c, nil, &o, 0)
	default:
		sc.storeResult(c, items[start:end+1], &o, outLen)
	}
}

// storeResult is STORE: the output as a list (a missing GET key stores
// ""), replacing the destination; no output deletes it. Either change
// goes to the AOF as the command was sent.
func (sc *Commands) storeResult(c *server.Client, items []item, o *options, outLen int64) {
	db, now := sc.ks.DB(c), sc.ks.Now()
	if outLen == 0 {
		if db.Delete(o.store, now) {
			c.Propagate()
		}
		c.W.Int(0)
		return
	}
	l := &list.List{Fill: sc.lists.Fill}
	for _, it := range items {
		if len(o.gets) == 0 {
			l.PushRight(it.elem)
		}
		for _, g := range o.gets {
			v, _ := sc.byPattern(c, g, it.elem)
			l.PushRight(v)
		}
	}
	db.Set(o.store, l, now)
	c.W.Int(outLen)
	c.Propagate()
}

// load reads the elements to sort and the output range [start, end],
// as sortCommandGeneric: LIMIT is clamped to the elements, and when
// nothing is sorted a list or sorted set loads only the range, in its
// own order (reversed for DESC). Redis reads a set, and a sorted set it
// sorts, in hash-table order, which its random hash seed changes from
// one process to the next; elements that then compare equal (ALPHA BY)
// can come out in another order here, as between two redis-servers.
func (sc *Commands) load(value any, o *options) (items []item, start, end int64) {
	n := int64(0)
	switch v := value.(type) {
	case *list.List:
		n = int64(v.Len())
	case *set.Set:
		n = int64(v.Len())
	case *zset.ZSet:
		n = int64(v.Len())
	}
	start = max(o.limitStart, 0)
	end = n - 1
	if o.limitCount >= 0 && o.limitCount <= math.MaxInt64-start {
		end = start + o.limitCount - 1 // else past any end, as in Redis
	}
	if start >= n {
		start, end = n-1, n-2
	}
	if end >= n {
		end = n - 1
	}
	add := func(m []byte) bool {
		items = append(items, item{elem: append([]byte(nil), m...)})
		return true
	}
	ranged := o.dontSort && (start != 0 || end != n-1)
	switch v := value.(type) {
	case *list.List:
		if !o.dontSort {
			v.All(func(_ int, m []byte) bool { return add(m) })
			break
		}
		if end >= start {
			v.Range(int(start), int(end), o.desc, add)
			end, start = end-start, 0
		}
	case *set.Set:
		v.All(add)
	case *zset.ZSet:
		if !o.dontSort {
			v.All(func(m []byte, _ float64) bool { return add(m) })
			break
		}
		if !ranged || end >= start {
			v.RangeByRank(int(start), int(end), o.desc, func(m []byte, _ float64) bool { return add(m) })
		}
		end, start = end-start, 0
	}
	return items, start, end
}

// weigh loads what each element sorts by: its BY key's value (a
// missing key sorts as 0, or first with ALPHA) or itself, read as C's
// strtod reads a C string unless ALPHA. It reports whether a value was
// not a number.
func (sc *Commands) weigh(c *server.Client, items []item, o *options) (convErr bool) {
	for i := range items {
		it := &items[i]
		v := it.elem
		if o.by != nil {
			var ok bool
			if v, ok = sc.byPattern(c, o.by, it.elem); !ok {
				continue
			}
		}
		if o.alpha {
			if o.by != nil {
				it.by, it.hasBy = append([]byte(nil), v...), true
			}
			continue
		}
		s, ok, rangeErr := zset.Strtod(string(cstr(v)))
		// Redis checks errno for ERANGE, which glibc's strtod also sets
		// for a result in the subnormal range.
		subnormal := s != 0 && math.Abs(s) < 0x1p-1022
		if !ok || rangeErr || subnormal || math.IsNaN(s) {
			convErr = true
		}
		it.score = s
	}
	return convErr
}

// compare is sortCompare. Numbers tie-break on the elements' bytes.
// ALPHA compares as strcoll in Redis's C.UTF-8 locale, byte order up to
// a NUL, except for STORE, which compares every byte; a missing BY key
// sorts first.
func compare(o *options) func(a, b *item) int {
	text := func(x, y []byte) int {
		if o.store != nil {
			return bytes.Compare(x, y)
		}
		return bytes.Compare(cstr(x), cstr(y))
	}
	return func(a, b *item) int {
		var r int
		switch {
		case !o.alpha:
			switch {
			case a.score > b.score:
				r = 1
			case a.score < b.score:
				r = -1
			default:
				r = bytes.Compare(a.elem, b.elem)
			}
		case o.by != nil:
			switch {
			case !a.hasBy && !b.hasBy:
				r = 0
			case !a.hasBy:
				r = -1
			case !b.hasBy:
				r = 1
			default:
				r = text(a.by, b.by)
			}
		default:
			r = text(a.elem, b.elem)
		}
		if o.desc {
			return -r
		}
		return r
	}
}

// byPattern is lookupKeyByPattern: the value a BY or GET pattern gives
// for elem (see patternKey), a string or a hash's field; ok is false
// when the pattern names no key, or the key is missing or of another
// type.
func (sc *Commands) byPattern(c *server.Client, pattern, elem []byte) ([]byte, bool) {
	key, field, self := patternKey(pattern, elem)
	switch {
	case self:
		return elem, true
	case key == nil:
		return nil, false
	}
	e := sc.lookup(c, key)
	if e == nil {
		return nil, false
	}
	if field != nil {
		h, ok := e.Value.(*hash.Hash)
		if !ok {
			return nil, false
		}
		return h.Get(field)
	}
	return e.Bytes()
}

// patternKey reads a BY or GET pattern for elem: "#" is the element
// itself (self); otherwise the first * takes the element, and a
// "->field" after it names a hash field. key is nil when the pattern has
// no *. Like Redis's C it looks for "#", "*" and "->" only before a NUL
// byte, and copies the rest whole.
func patternKey(pattern, elem []byte) (key, field []byte, self bool) {
	cpat := cstr(pattern)
	if len(cpat) == 1 && cpat[0] == '#' {
		return nil, nil, true
	}
	star := bytes.IndexByte(cpat, '*')
	if star < 0 {
		return nil, nil, false
	}
	post := pattern[star+1:]
	if f := bytes.Index(cpat[star+1:], []byte("->")); f >= 0 && star+1+f+2 < len(cpat) {
		field = pattern[star+1+f+2:]
		post = pattern[star+1 : star+1+f]
	}
	key = make([]byte, 0, star+len(elem)+len(post))
	key = append(append(append(key, pattern[:star]...), elem...), post...)
	return key, field, false
}

// lookup is lookupKeyRead, counting the keyspace hit or miss.
func (sc *Commands) lookup(c *server.Client, key []byte) *keyspace.Entry {
	e := sc.ks.DB(c).Lookup(key, sc.ks.Now())
	if e != nil {
		c.Srv.Stats.KeyspaceHits++
	} else {
		c.Srv.Stats.KeyspaceMisses++
	}
	return e
}

// cstr is b as C's string functions see it: up to the first NUL.
func cstr(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}
