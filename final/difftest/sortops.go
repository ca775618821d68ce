package difftest

import (
	"strconv"
	"strings"
)

// sortPattern is a SORT BY or GET pattern over the weight keys the
// SortOps rows write: strings w_<element>, hashes hw_<element> with
// fields f and g, and patterns that name no key or one of another type.
func (g *Gen) sortPattern() string {
	return g.Pick("w_*", "w_*", "hw_*->f", "hw_*->g", "hw_*->", "w_*->f", "x_*", "nosort", "#", "s*")
}

// sortWeight is a weight value: numbers SORT reads, text it refuses
// unless ALPHA, ties. Nothing out of a double's range: Redis leaves
// strtod's ERANGE in errno, and later numeric sorts on the connection
// fail until something clears it, which gocache does not copy.
func (g *Gen) sortWeight() string {
	switch g.R.IntN(6) {
	case 0:
		return g.Pick("", "abc", "1.5", "-0", "inf", " 3", "0x10", "nan", "3 ")
	case 1:
		return g.Elem()
	}
	return strconv.Itoa(g.R.IntN(5) - 1)
}

// sortArgs builds SORT or SORT_RO key with random options.
func (g *Gen) sortArgs(key, dst string) []string {
	name := g.Pick("SORT", "SORT", "SORT_RO")
	args := cmd(name, key)
	for n := g.R.IntN(5); n > 0; n-- {
		switch g.R.IntN(8) {
		case 0:
			args = append(args, g.Pick("ASC", "DESC", "desc"))
		case 1, 2:
			args = append(args, "ALPHA")
		case 3:
			args = append(args, "LIMIT", g.Pick("0", "1", "2", "-1", "9"), g.Pick("1", "2", "3", "-1", "0", "x"))
		case 4:
			args = append(args, "BY", g.sortPattern())
		case 5:
			args = append(args, "GET", g.sortPattern())
		case 6:
			if name == "SORT" || g.Chance(4) {
				args = append(args, "STORE", dst)
			}
		default:
			args = append(args, g.Pick("FOO", "LIMIT", "BY"))
		}
	}
	return args
}

// sortShape reads SORT's options as Redis parses them: whether equal
// elements can occur whose order comes from the value's own order
// (ALPHA by a pattern's values, ALPHA by bytes up to a NUL without
// STORE, or BY without * leaving a set unsorted), whether LIMIT
// applies, and where STORE's destination is (0 for none).
func sortShape(args []string) (ambiguous, limit bool, storeAt int) {
	alpha, star, noStar := false, false, false
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch a := strings.ToLower(args[j]); {
		case a == "alpha":
			alpha = true
		case a == "limit" && left >= 2:
			limit = true
			j += 2
		case a == "store" && left >= 1:
			storeAt = j + 1
			j++
		case a == "by" && left >= 1:
			if strings.Contains(args[j+1], "*") {
				star = true
			} else {
				noStar = true
			}
			j++
		case a == "get" && left >= 1:
			j++
		}
	}
	return noStar || (alpha && (star || storeAt == 0)), limit, storeAt
}

// SortOps are SORT and SORT_RO over lists, sets and sorted sets, and the
// weight keys their BY and GET patterns read. Elements that compare
// equal keep the order SORT read them in: a list's is the same on both
// servers, so the lists sl0 and sl1, which only these rows write,
// compare exactly whatever the options. A set's order (its hash table)
// and a sorted set's as SORT reads it (its dict) differ: sorting other
// keys compares as a multiset where ties can occur (ALPHA by a pattern
// or by bytes up to a NUL, BY without *), or by length under LIMIT,
// and stores into o0 (read as a multiset) or, under LIMIT, o1 (read by
// its length).
var SortOps = []Op{
	{"sortweight", 4, func(g *Gen) []string {
		if g.Chance(3) {
			return cmd("HSET", "hw_"+g.Elem(), g.Pick("f", "g"), g.sortWeight())
		}
		return cmd("SET", "w_"+g.Elem(), g.sortWeight())
	}, nil},
	{"sortpush", 3, func(g *Gen) []string {
		if g.Chance(12) {
			return cmd("DEL", "sl"+strconv.Itoa(g.R.IntN(2)))
		}
		return append(cmd(g.Pick("RPUSH", "LPUSH"), "sl"+strconv.Itoa(g.R.IntN(2))), g.Elems(4)...)
	}, nil},
	{"sortlist", 5, func(g *Gen) []string {
		return g.sortArgs("sl"+strconv.Itoa(g.R.IntN(2)), "sl"+strconv.Itoa(g.R.IntN(2)))
	}, nil},
	{"sort", 5, func(g *Gen) []string {
		key := g.TypedKey(g.Pick("l", "s", "z"))
		args := g.sortArgs(key, "")
		ambiguous, limit, storeAt := sortShape(args)
		switch {
		case ambiguous && limit:
			g.CompareWith(sameLen)
		case ambiguous:
			g.CompareWith(sameSortedArray)
		}
		if storeAt > 0 {
			dst := g.TypedKey("l")
			switch {
			case ambiguous && limit:
				dst = "o1" // which equal elements were kept differs
			case ambiguous:
				dst = "o0" // the same elements, in another order
			}
			args[storeAt] = dst
		}
		return args
	}, nil},
	{"sortresult", 1, func(g *Gen) []string {
		if g.Chance(2) {
			g.CompareWith(sameSortedArray)
			return cmd("LRANGE", "o0", "0", "-1")
		}
		return cmd("LLEN", "o1")
	}, nil},
}

// sameLen compares arrays by their length only (which elements SORT
// picks from equal ones under LIMIT, and so which GET values are null,
// depends on the set's order), anything else exactly.
func sameLen(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	return ok1 && ok2 && g.Kind == '*' && w.Kind == '*' && len(g.Elems) == len(w.Elems)
}
