package difftest

import (
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// StreamID is an explicit entry ID: small milliseconds and sequences so
// that XADDs meet the top item often, now and then the forms XADD
// resolves itself (ms-*), the edges, and arguments that are not IDs.
// No "*": an ID from the clock would differ between the two servers.
func (g *Gen) StreamID() string {
	switch g.R.IntN(20) {
	case 0:
		return g.Pick("0-0", "0", "18446744073709551615-18446744073709551615", "18446744073709551615-18446744073709551614", "0-1")
	case 1:
		return g.Pick("x", "-1", "1-x", "1-2-3", "", "18446744073709551616", "1-")
	case 2, 3:
		return strconv.Itoa(g.R.IntN(12)) + "-*"
	case 4:
		return strconv.Itoa(g.R.IntN(12))
	}
	return strconv.Itoa(g.R.IntN(12)) + "-" + strconv.Itoa(g.R.IntN(4))
}

// RangeBound is an XRANGE bound: an ID, "-", "+", or exclusive.
func (g *Gen) RangeBound() string {
	switch g.R.IntN(8) {
	case 0:
		return g.Pick("-", "+")
	case 1:
		return "(" + g.Pick("0-0", "18446744073709551615-18446744073709551615", "3", "5-1", "-", "+")
	case 2:
		return strconv.Itoa(g.R.IntN(12))
	}
	return strconv.Itoa(g.R.IntN(12)) + "-" + strconv.Itoa(g.R.IntN(4))
}

// exactID is an ID for XDEL, XACK, XCLAIM: mostly ones that may exist.
func (g *Gen) exactID() string {
	if g.Chance(12) {
		return g.Pick("+", "x", "0-0", "18446744073709551615-18446744073709551615")
	}
	return strconv.Itoa(g.R.IntN(12)) + "-" + strconv.Itoa(g.R.IntN(4))
}

func (g *Gen) streamField() string { return g.Pick("f", "g", "h", "f", "f") }

// fieldValues is 1..3 field-value pairs, mostly repeating the same
// fields (the master entry's compression), now and then an odd count.
func (g *Gen) fieldValues() []string {
	var out []string
	for n := 1 + g.R.IntN(3); n > 0; n-- {
		out = append(out, g.streamField(), g.Elem())
	}
	if g.Chance(20) {
		out = out[:len(out)-1]
	}
	return out
}

func (g *Gen) groupName() string {
	if g.Chance(10) {
		return "nog"
	}
	return g.Pick("g1", "g2")
}

func (g *Gen) consumerName() string { return g.Pick("alice", "bob", "carol") }

// trimArgs is MAXLEN or MINID with =, ~ or neither, and sometimes LIMIT.
func (g *Gen) trimArgs() []string {
	var out []string
	if g.Chance(2) {
		out = append(out, g.Pick("MAXLEN", "maxlen"))
		if !g.Chance(3) {
			out = append(out, g.Pick("~", "=", "~"))
		}
		out = append(out, g.Pick("0", "1", "2", "3", "5", "-1", "x"))
	} else {
		out = append(out, "MINID")
		if !g.Chance(3) {
			out = append(out, g.Pick("~", "="))
		}
		out = append(out, g.exactID())
	}
	if g.Chance(5) {
		out = append(out, "LIMIT", g.Pick("0", "1", "10", "-1"))
	}
	return out
}

// streamBlock is XREAD's BLOCK: a few milliseconds (one connection: no
// one can write while it waits, so both servers time out alike), or a
// value Redis refuses.
func (g *Gen) streamBlock() string {
	if g.Chance(6) {
		return g.Pick("-1", "x", "1.5")
	}
	return g.Pick("1", "5")
}

// StreamOps are the stream commands with explicit IDs. Times (idle
// times, delivery times, seen times) are compared within a tolerance;
// everything else byte for byte.
var StreamOps = []Op{
	{"xadd", 12, func(g *Gen) []string {
		args := cmd("XADD", g.TypedKey("x"))
		if g.Chance(8) {
			args = append(args, "NOMKSTREAM")
		}
		if g.Chance(5) {
			args = append(args, g.trimArgs()...)
		}
		return append(append(args, g.StreamID()), g.fieldValues()...)
	}, nil},
	{"xrange", 5, func(g *Gen) []string {
		args := cmd(g.Pick("XRANGE", "XREVRANGE"), g.TypedKey("x"), g.RangeBound(), g.RangeBound())
		if g.Chance(3) {
			args = append(args, "COUNT", g.Pick("0", "1", "2", "-1", "x"))
		}
		return args
	}, nil},
	{"xlen", 2, func(g *Gen) []string { return cmd("XLEN", g.TypedKey("x")) }, nil},
	{"xdel", 3, func(g *Gen) []string {
		args := cmd("XDEL", g.TypedKey("x"))
		for n := 1 + g.R.IntN(3); n > 0; n-- {
			args = append(args, g.exactID())
		}
		return args
	}, nil},
	{"xtrim", 2, func(g *Gen) []string {
		if g.Chance(10) {
			return cmd("XTRIM", g.TypedKey("x"), g.Pick("LIMIT", "FOO"), "1")
		}
		return append(cmd("XTRIM", g.TypedKey("x")), g.trimArgs()...)
	}, nil},
	{"xsetid", 1, func(g *Gen) []string {
		args := cmd("XSETID", g.TypedKey("x"), g.StreamID())
		if g.Chance(2) {
			args = append(args, "ENTRIESADDED", g.Pick("0", "5", "100", "-1"))
		}
		if g.Chance(3) {
			args = append(args, "MAXDELETEDID", g.exactID())
		}
		return args
	}, nil},
	{"xread", 4, func(g *Gen) []string {
		args := cmd("XREAD")
		if g.Chance(2) {
			args = append(args, "COUNT", g.Pick("1", "2", "0", "-1"))
		}
		if g.Chance(6) {
			args = append(args, "BLOCK", g.streamBlock())
		}
		keys := g.TypedKeys("x", 2)
		args = append(append(args, "STREAMS"), keys...)
		for range keys {
			args = append(args, g.Pick(g.exactID(), "$", "0", "0-0"))
		}
		if g.Chance(15) {
			args = args[:len(args)-1]
		}
		return args
	}, nil},
	{"xgroup create", 3, func(g *Gen) []string {
		args := cmd("XGROUP", "CREATE", g.TypedKey("x"), g.groupName(), g.Pick("$", "0", g.exactID()))
		if g.Chance(3) {
			args = append(args, "MKSTREAM")
		}
		if g.Chance(4) {
			args = append(args, "ENTRIESREAD", g.Pick("0", "3", "-1", "-2"))
		}
		return args
	}, nil},
	{"xgroup", 2, func(g *Gen) []string {
		key, group := g.TypedKey("x"), g.groupName()
		switch g.R.IntN(5) {
		case 0:
			args := cmd("XGROUP", "SETID", key, group, g.Pick("$", "0", g.exactID()))
			if g.Chance(3) {
				args = append(args, "ENTRIESREAD", g.Pick("0", "2", "-1", "x"))
			}
			return args
		case 1:
			return cmd("XGROUP", "DESTROY", key, group)
		case 2:
			return cmd("XGROUP", "CREATECONSUMER", key, group, g.consumerName())
		case 3:
			return cmd("XGROUP", "DELCONSUMER", key, group, g.consumerName())
		}
		return cmd("XGROUP", g.Pick("HELP", "FOO", "CREATE"))
	}, nil},
	{"xreadgroup", 6, func(g *Gen) []string {
		args := cmd("XREADGROUP", "GROUP", g.groupName(), g.consumerName())
		if g.Chance(2) {
			args = append(args, "COUNT", g.Pick("1", "2", "0"))
		}
		if g.Chance(5) {
			args = append(args, "NOACK")
		}
		if g.Chance(6) {
			args = append(args, "BLOCK", g.streamBlock())
		}
		keys := g.TypedKeys("x", 2)
		args = append(append(args, "STREAMS"), keys...)
		for range keys {
			if g.Chance(4) {
				args = append(args, g.Pick("0", "0-0", "$", g.exactID()))
			} else {
				args = append(args, ">")
			}
		}
		return args
	}, nil},
	{"xack", 3, func(g *Gen) []string {
		args := cmd("XACK", g.TypedKey("x"), g.groupName())
		for n := 1 + g.R.IntN(2); n > 0; n-- {
			args = append(args, g.exactID())
		}
		return args
	}, nil},
	{"xpending", 3, func(g *Gen) []string {
		args := cmd("XPENDING", g.TypedKey("x"), g.groupName())
		if g.Chance(3) {
			return args
		}
		if g.Chance(4) {
			args = append(args, "IDLE", g.Pick("0", "100000000"))
		}
		args = append(args, g.RangeBound(), g.RangeBound(), g.Pick("10", "1", "0", "-1"))
		if g.Chance(2) {
			args = append(args, g.consumerName())
		}
		return args
	}, samePending},
	{"xclaim", 3, func(g *Gen) []string {
		args := cmd("XCLAIM", g.TypedKey("x"), g.groupName(), g.consumerName(), g.Pick("0", "0", "100000000", "x"))
		for n := 1 + g.R.IntN(2); n > 0; n-- {
			args = append(args, g.exactID())
		}
		for n := g.R.IntN(3); n > 0; n-- {
			switch g.R.IntN(6) {
			case 0:
				args = append(args, "IDLE", g.Pick("0", "5000"))
			case 1:
				args = append(args, "RETRYCOUNT", g.Pick("0", "7"))
			case 2:
				args = append(args, "LASTID", g.exactID())
			case 3:
				args = append(args, "FORCE")
			case 4:
				args = append(args, "JUSTID")
			default:
				args = append(args, g.Pick("FOO", "TIME"))
			}
		}
		return args
	}, nil},
	{"xautoclaim", 2, func(g *Gen) []string {
		args := cmd("XAUTOCLAIM", g.TypedKey("x"), g.groupName(), g.consumerName(), g.Pick("0", "100000000"), g.RangeBound())
		if g.Chance(2) {
			args = append(args, "COUNT", g.Pick("1", "2", "0", "x"))
		}
		if g.Chance(3) {
			args = append(args, "JUSTID")
		}
		return args
	}, nil},
	{"stream node limits", 1, func(g *Gen) []string {
		if g.Chance(2) {
			return cmd("CONFIG", "SET", "stream-node-max-entries", g.Pick("2", "3", "100", "0"))
		}
		return cmd("CONFIG", "SET", "stream-node-max-bytes", g.Pick("40", "60", "120", "4096", "0"))
	}, nil},
	{"xinfo", 3, func(g *Gen) []string {
		key := g.TypedKey("x")
		switch g.R.IntN(4) {
		case 0:
			return cmd("XINFO", "GROUPS", key)
		case 1:
			return cmd("XINFO", "CONSUMERS", key, g.groupName())
		case 2:
			args := cmd("XINFO", "STREAM", key, "FULL")
			if g.Chance(2) {
				args = append(args, "COUNT", g.Pick("0", "1", "x"))
			}
			return args
		}
		return cmd("XINFO", "STREAM", key)
	}, sameTimes},
}

// samePending compares XPENDING: in the extended form each entry's idle
// time (its third element) within a tolerance.
func samePending(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	if !ok1 || !ok2 || g.Kind != '*' || len(g.Elems) != len(w.Elems) {
		return false
	}
	for i := range g.Elems {
		a, b := g.Elems[i], w.Elems[i]
		if len(a.Elems) != 4 || len(b.Elems) != 4 {
			return false
		}
		for j := range a.Elems {
			if j == 2 {
				if d := a.Elems[j].Int - b.Elems[j].Int; d > timeTolerance || d < -timeTolerance {
					return false
				}
			} else if !sameValue(a.Elems[j], b.Elems[j]) {
				return false
			}
		}
	}
	return true
}

// timeTolerance bounds how far apart two servers' clocks may read.
const timeTolerance = 1500

// sameTimes compares XINFO: the value after "idle" within a tolerance,
// and integers that are unix times in ms (delivery and seen times).
func sameTimes(got, want string) bool {
	if got == want {
		return true
	}
	g, ok1 := parse(got)
	w, ok2 := parse(want)
	return ok1 && ok2 && sameTree(g, w, false)
}

func sameTree(a, b resp.Value, isTime bool) bool {
	if a.Kind != b.Kind || a.Null != b.Null || len(a.Elems) != len(b.Elems) {
		return false
	}
	if a.Kind == ':' {
		if isTime || a.Int > 1e12 && b.Int > 1e12 {
			d := a.Int - b.Int
			return d <= timeTolerance && d >= -timeTolerance
		}
		return a.Int == b.Int
	}
	if len(a.Elems) == 0 {
		return sameValue(a, b)
	}
	for i := range a.Elems {
		t := i > 0 && string(a.Elems[i-1].Str) == "idle" && a.Elems[i-1].Kind == '$'
		if !sameTree(a.Elems[i], b.Elems[i], t) {
			return false
		}
	}
	return true
}

func sameValue(a, b resp.Value) bool {
	return a.Kind == b.Kind && a.Null == b.Null && string(a.Str) == string(b.Str) && a.Int == b.Int && len(a.Elems) == len(b.Elems)
}
