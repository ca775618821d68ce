package difftest

import (
	"slices"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// cmd builds an argument list.
func cmd(args ...string) []string { return args }

// StringOps are the string commands.
var StringOps = []Op{
	{"set", 12, func(g *Gen) []string {
		args := cmd("SET", g.Key(), g.Value())
		for n := g.R.IntN(3); n > 0; n-- {
			switch g.R.IntN(8) {
			case 0:
				args = append(args, g.Pick("NX", "XX", "nx"))
			case 1:
				args = append(args, "GET")
			case 2:
				args = append(args, "KEEPTTL")
			case 3, 4:
				args = append(args, g.Pick("EX", "ex"), g.Seconds())
			case 5:
				args = append(args, "PX", g.Seconds()+"000")
			case 6:
				at := strconv.Itoa(4102444800 + g.R.IntN(1000))
				if g.Chance(2) {
					args = append(args, "EXAT", at)
				} else {
					args = append(args, "PXAT", at+"000")
				}
			default:
				args = append(args, g.Pick("EX", "FOO"))
			}
		}
		return args
	}, nil},
	{"get", 8, func(g *Gen) []string { return cmd("GET", g.Key()) }, nil},
	{"getset", 2, func(g *Gen) []string { return cmd("GETSET", g.Key(), g.Value()) }, nil},
	{"getdel", 2, func(g *Gen) []string { return cmd("GETDEL", g.Key()) }, nil},
	{"getex", 4, func(g *Gen) []string {
		args := cmd("GETEX", g.Key())
		switch g.R.IntN(7) {
		case 0:
		case 1:
			args = append(args, "PERSIST")
		case 2:
			args = append(args, "EX", g.Seconds())
		case 3:
			args = append(args, "PX", g.Seconds()+"000")
		case 4:
			args = append(args, "EXAT", g.UnixSeconds())
		case 5:
			args = append(args, "PXAT", g.UnixSeconds()+"000")
		default:
			args = append(args, g.Pick("EX", "PERSIST", "KEEPTTL"), g.Pick("10", "PERSIST", "EX"))
		}
		return args
	}, nil},
	{"mget", 3, func(g *Gen) []string { return append(cmd("MGET"), g.Keys(4)...) }, nil},
	{"mset", 3, func(g *Gen) []string {
		args := cmd("MSET")
		for n := 1 + g.R.IntN(3); n > 0; n-- {
			args = append(args, g.Key(), g.Value())
		}
		if g.Chance(15) {
			args = args[:len(args)-1]
		}
		return args
	}, nil},
	{"msetnx", 2, func(g *Gen) []string {
		args := cmd("MSETNX")
		for n := 1 + g.R.IntN(2); n > 0; n-- {
			args = append(args, g.Key(), g.Value())
		}
		return args
	}, nil},
	{"setnx", 2, func(g *Gen) []string { return cmd("SETNX", g.Key(), g.Value()) }, nil},
	{"setex", 2, func(g *Gen) []string {
		return cmd(g.Pick("SETEX", "PSETEX"), g.Key(), g.Seconds()+g.Pick("", "000"), g.Value())
	}, nil},
	{"incr", 6, func(g *Gen) []string {
		switch g.R.IntN(4) {
		case 0:
			return cmd("INCR", g.Key())
		case 1:
			return cmd("DECR", g.Key())
		case 2:
			return cmd("INCRBY", g.Key(), g.Int())
		}
		return cmd("DECRBY", g.Key(), g.Int())
	}, nil},
	{"incrbyfloat", 4, func(g *Gen) []string { return cmd("INCRBYFLOAT", g.Key(), g.Float()) }, nil},
	{"append", 3, func(g *Gen) []string { return cmd("APPEND", g.Key(), g.Value()) }, nil},
	{"strlen", 2, func(g *Gen) []string { return cmd("STRLEN", g.Key()) }, nil},
	{"getrange", 3, func(g *Gen) []string { return cmd(g.Pick("GETRANGE", "SUBSTR"), g.Key(), g.Int(), g.Int()) }, nil},
	{"setrange", 3, func(g *Gen) []string {
		off := strconv.Itoa(g.R.IntN(60))
		if g.Chance(8) {
			off = g.Pick("-1", "abc", "536870912", "9223372036854775807")
		}
		return cmd("SETRANGE", g.Key(), off, g.Pick("", "x", "hello", g.Value()))
	}, nil},
}

// KeyOps are the generic key commands.
var KeyOps = []Op{
	{"del", 3, func(g *Gen) []string { return append(cmd(g.Pick("DEL", "UNLINK")), g.Keys(3)...) }, nil},
	{"exists", 3, func(g *Gen) []string { return append(cmd(g.Pick("EXISTS", "TOUCH")), g.Keys(3)...) }, nil},
	{"type", 2, func(g *Gen) []string { return cmd("TYPE", g.Key()) }, nil},
	{"rename", 3, func(g *Gen) []string { return cmd(g.Pick("RENAME", "RENAMENX"), g.Key(), g.Key()) }, nil},
	{"copy", 3, func(g *Gen) []string {
		args := cmd("COPY", g.Key(), g.Key())
		if g.Chance(2) {
			args = append(args, "DB", g.DB())
		}
		if g.Chance(2) {
			args = append(args, "REPLACE")
		}
		return args
	}, nil},
	{"keys", 2, func(g *Gen) []string { return cmd("KEYS", g.Pick("*", "k[0-3]", "k?", "*1*", "")) }, sameSortedArray},
	{"scan", 2, func(g *Gen) []string {
		// One call with a count large enough to finish: the cursor is 0
		// on both sides, and only the order of the keys may differ.
		args := cmd("SCAN", "0", "COUNT", "1000000")
		if g.Chance(2) {
			args = append(args, "MATCH", g.Pick("k[0-3]", "*", "k1"))
		}
		if g.Chance(3) {
			args = append(args, "TYPE", g.Pick("string", "list", "STRING", "hash", "set", "zset"))
		}
		return args
	}, sameScan},
	{"randomkey", 1, func(g *Gen) []string { return cmd("RANDOMKEY") }, sameKind},
	{"expire", 5, func(g *Gen) []string {
		var args []string
		switch g.R.IntN(4) {
		case 0:
			args = cmd("EXPIRE", g.Key(), g.Seconds())
		case 1:
			args = cmd("PEXPIRE", g.Key(), g.Seconds()+"000")
		case 2:
			args = cmd("EXPIREAT", g.Key(), g.UnixSeconds())
		default:
			args = cmd("PEXPIREAT", g.Key(), g.UnixSeconds()+"000")
		}
		if g.Chance(2) {
			args = append(args, g.Pick("NX", "XX", "GT", "LT", "gt", "FOO"))
		}
		if g.Chance(8) {
			args = append(args, g.Pick("NX", "XX", "GT", "LT"))
		}
		return args
	}, nil},
	{"ttl", 4, func(g *Gen) []string { return cmd(g.Pick("TTL", "EXPIRETIME"), g.Key()) }, sameWithin(1)},
	{"pttl", 2, func(g *Gen) []string { return cmd(g.Pick("PTTL", "PEXPIRETIME"), g.Key()) }, sameWithin(1000)},
	{"persist", 2, func(g *Gen) []string { return cmd("PERSIST", g.Key()) }, nil},
	{"object", 3, func(g *Gen) []string {
		return cmd("OBJECT", g.Pick("ENCODING", "ENCODING", "REFCOUNT", "FREQ", "encoding"), g.Key())
	}, nil},
	{"idletime", 1, func(g *Gen) []string { return cmd("OBJECT", "IDLETIME", g.Key()) }, sameKind},
}

// DatabaseOps are the commands on whole databases.
var DatabaseOps = []Op{
	{"select", 3, func(g *Gen) []string { return cmd("SELECT", g.DB()) }, nil},
	{"swapdb", 1, func(g *Gen) []string { return cmd("SWAPDB", g.DB(), g.DB()) }, nil},
	{"move", 2, func(g *Gen) []string { return cmd("MOVE", g.Key(), g.DB()) }, nil},
	{"dbsize", 2, func(g *Gen) []string { return cmd("DBSIZE") }, nil},
	{"flushdb", 1, func(g *Gen) []string {
		if g.Chance(3) {
			return cmd("FLUSHALL", g.Pick("SYNC", "ASYNC"))
		}
		if arg := g.Pick("", "ASYNC", "SYNC", "foo"); arg != "" {
			return cmd("FLUSHDB", arg)
		}
		return cmd("FLUSHDB")
	}, nil},
}

// parse reads one raw reply; ok is false when it does not parse.
func parse(raw string) (resp.Value, bool) {
	v, n, err := resp.ParseValue([]byte(raw))
	return v, err == nil && n == len(raw)
}

// sameSortedArray compares arrays of strings as sets (KEYS).
func sameSortedArray(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	return ok1 && ok2 && g.Kind == w.Kind && sameElems(g.Elems, w.Elems)
}

func sameElems(a, b []resp.Value) bool {
	strs := func(vs []resp.Value) []string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = string(v.Kind) + string(v.Str)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(strs(a), strs(b))
}

// sameScan compares a finished SCAN: the cursor exactly, the keys as a
// set.
func sameScan(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	if !ok1 || !ok2 || len(g.Elems) != 2 || len(w.Elems) != 2 {
		return false
	}
	return string(g.Elems[0].Str) == string(w.Elems[0].Str) && sameElems(g.Elems[1].Elems, w.Elems[1].Elems)
}

// sameKind compares only the type of reply (RANDOMKEY: nil or a key).
func sameKind(got, want string) bool {
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	return ok1 && ok2 && g.Kind == w.Kind && g.Null == w.Null
}

// sameWithin compares integer replies that depend on when they were
// read: -1 and -2 (no expiry, no key) exactly, times within tol.
func sameWithin(tol int64) func(got, want string) bool {
	return func(got, want string) bool {
		if got == want {
			return true
		}
		g, ok1 := parse(got)
		w, ok2 := parse(want)
		if !ok1 || !ok2 || g.Kind != ':' || w.Kind != ':' || g.Int < 0 || w.Int < 0 {
			return false
		}
		d := g.Int - w.Int
		return d <= tol && d >= -tol
	}
}
