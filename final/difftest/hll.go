package difftest

import "strconv"

// HLLKey is a HyperLogLog key (p0..p2), sometimes a string or a key of
// another type, which PFADD and friends must refuse.
func (g *Gen) HLLKey() string { return g.TypedKey("p") }

// HLLElems is 0..max elements from a pool big enough to take a value
// from sparse to dense over a run (a few thousand distinct elements).
func (g *Gen) HLLElems(max int) []string {
	out := make([]string, g.R.IntN(max+1))
	for i := range out {
		if g.Chance(10) {
			out[i] = g.Elem()
		} else {
			out[i] = "e" + strconv.Itoa(g.R.IntN(5000))
		}
	}
	return out
}

// HLLOps are the HyperLogLog commands. GET of their keys compares the
// representation itself, byte for byte.
var HLLOps = []Op{
	{"pfadd", 8, func(g *Gen) []string {
		n := 5
		if g.Chance(8) {
			n = 400
		}
		return append(cmd("PFADD", g.HLLKey()), g.HLLElems(n)...)
	}, nil},
	{"pfcount", 4, func(g *Gen) []string {
		args := cmd("PFCOUNT", g.HLLKey())
		for n := g.R.IntN(4) - 1; n > 0; n-- {
			args = append(args, g.HLLKey())
		}
		return args
	}, nil},
	{"pfmerge", 2, func(g *Gen) []string {
		args := cmd("PFMERGE", g.HLLKey())
		for n := g.R.IntN(3); n > 0; n-- {
			args = append(args, g.HLLKey())
		}
		return args
	}, nil},
	{"pfget", 3, func(g *Gen) []string { return cmd("GET", g.HLLKey()) }, nil},
	{"pfdebug", 2, func(g *Gen) []string {
		sub := g.Pick("ENCODING", "DECODE", "TODENSE", "encoding", "decode", "FOO")
		if g.Chance(10) {
			sub = "GETREG"
		}
		return cmd("PFDEBUG", sub, g.HLLKey())
	}, nil},
	// A string Redis takes for a HyperLogLog: a header with the given
	// encoding and cached cardinality, then sparse opcodes that may or
	// may not cover every register.
	{"pfset", 1, func(g *Gen) []string {
		v := "HYLL" + g.Pick("\x01", "\x01", "\x00", "\x02") + "\x00\x00\x00" + g.Pick("\x05\x00\x00\x00\x00\x00\x00\x00", "\x00\x00\x00\x00\x00\x00\x00\x80")
		v += g.Pick("\x7f\xff", "\x7f\xfe", "\x7f\xfe\x80", "\x3f\x7f\xbe\x84", "\x7f\xff\xff", "", "\x40")
		return cmd("SET", g.HLLKey(), v)
	}, nil},
}
