package difftest

import "strconv"

// BitKey is a string key for the bitmap commands: the string pool
// (k0..k7, which SET fills), sometimes a key of another type.
func (g *Gen) BitKey() string {
	if g.Chance(6) {
		return g.Key()
	}
	return "k" + strconv.Itoa(g.R.IntN(8))
}

// BitOffset is a bit offset within a few hundred bytes, sometimes one
// Redis refuses (negative, past proto-max-bulk-len, not a number). It
// never reaches far enough to make either server allocate much.
func (g *Gen) BitOffset() string {
	if g.Chance(12) {
		return g.Pick("-1", "4294967296", "abc", "", "1.0", "9223372036854775807")
	}
	return strconv.Itoa(g.R.IntN(300))
}

// BitIndex is a BITCOUNT or BITPOS range bound, in bytes or bits.
func (g *Gen) BitIndex() string {
	if g.Chance(15) {
		return g.Int()
	}
	return strconv.Itoa(g.R.IntN(60) - 25)
}

// BitfieldType is i1..i64 or u1..u63, now and then one Redis refuses.
func (g *Gen) BitfieldType() string {
	if g.Chance(15) {
		return g.Pick("u64", "i65", "i0", "x8", "u", "I8")
	}
	if g.Chance(2) {
		return "u" + strconv.Itoa(1+g.R.IntN(63))
	}
	return "i" + strconv.Itoa(1+g.R.IntN(64))
}

// BitfieldOffset is a bit offset or "#n", the n-th field of the type.
func (g *Gen) BitfieldOffset() string {
	if g.Chance(4) {
		return "#" + strconv.Itoa(g.R.IntN(20)-1)
	}
	return g.BitOffset()
}

// BitfieldValue is a SET value or INCRBY increment, often at or past
// the edges of a field.
func (g *Gen) BitfieldValue() string {
	switch g.R.IntN(6) {
	case 0:
		return g.Int()
	case 1:
		n := uint(1 + g.R.IntN(63))
		v := int64(1) << (n - 1)
		return strconv.FormatInt(g.Pick2(v, -v, v-1, -v-1, 2*v-1, 2*v), 10)
	}
	return strconv.Itoa(g.R.IntN(600) - 300)
}

// Pick2 returns one of the integers.
func (g *Gen) Pick2(choices ...int64) int64 { return choices[g.R.IntN(len(choices))] }

// bitfieldArgs is a list of BITFIELD subcommands; readonly keeps to GET
// (mostly: BITFIELD_RO must refuse the others).
func bitfieldArgs(g *Gen, readonly bool) []string {
	var args []string
	for n := g.R.IntN(5); n > 0; n-- {
		switch x := g.R.IntN(10); {
		case x < 4 || (readonly && !g.Chance(8)):
			args = append(args, g.Pick("GET", "get"), g.BitfieldType(), g.BitfieldOffset())
		case x < 6:
			args = append(args, "SET", g.BitfieldType(), g.BitfieldOffset(), g.BitfieldValue())
		case x < 8:
			args = append(args, "INCRBY", g.BitfieldType(), g.BitfieldOffset(), g.BitfieldValue())
		case x < 9:
			args = append(args, "OVERFLOW", g.Pick("WRAP", "SAT", "FAIL", "fail", "BAD"))
		default:
			args = append(args, g.Pick("GET", "SET", "INCRBY", "OVERFLOW", "FOO"))
		}
	}
	return args
}

// BitOps are the bitmap commands on strings.
var BitOps = []Op{
	{"setbit", 8, func(g *Gen) []string {
		bit := g.Pick("0", "1", "1")
		if g.Chance(15) {
			bit = g.Pick("2", "-1", "x", "")
		}
		return cmd("SETBIT", g.BitKey(), g.BitOffset(), bit)
	}, nil},
	{"getbit", 4, func(g *Gen) []string { return cmd("GETBIT", g.BitKey(), g.BitOffset()) }, nil},
	{"bitcount", 5, func(g *Gen) []string {
		args := cmd("BITCOUNT", g.BitKey())
		switch g.R.IntN(6) {
		case 0:
		case 1:
			args = append(args, g.BitIndex())
		case 2, 3:
			args = append(args, g.BitIndex(), g.BitIndex())
		default:
			args = append(args, g.BitIndex(), g.BitIndex(), g.Pick("BIT", "BYTE", "bit", "FOO"))
		}
		return args
	}, nil},
	{"bitpos", 5, func(g *Gen) []string {
		bit := g.Pick("0", "1")
		if g.Chance(15) {
			bit = g.Pick("2", "-1", "x")
		}
		args := cmd("BITPOS", g.BitKey(), bit)
		switch n := g.R.IntN(5); n {
		case 0:
		case 4:
			args = append(args, g.BitIndex(), g.BitIndex(), g.Pick("BIT", "BYTE", "bit", "FOO"))
			if g.Chance(10) {
				args = append(args, "x")
			}
		default:
			for ; n > 1; n-- {
				args = append(args, g.BitIndex())
			}
		}
		return args
	}, nil},
	{"bitop", 3, func(g *Gen) []string {
		op := g.Pick("AND", "OR", "XOR", "NOT", "and", "not")
		if g.Chance(15) {
			op = "NAND"
		}
		n := 1 + g.R.IntN(3)
		if op == "NOT" || op == "not" {
			n = 1
			if g.Chance(10) {
				n = 2
			}
		}
		args := cmd("BITOP", op, g.BitKey())
		for ; n > 0; n-- {
			args = append(args, g.BitKey())
		}
		return args
	}, nil},
	{"bitfield", 5, func(g *Gen) []string {
		return append(cmd("BITFIELD", g.BitKey()), bitfieldArgs(g, false)...)
	}, nil},
	{"bitfield_ro", 2, func(g *Gen) []string {
		return append(cmd("BITFIELD_RO", g.BitKey()), bitfieldArgs(g, true)...)
	}, nil},
}
