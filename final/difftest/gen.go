// Package difftest is the differential test of the final server: seeded
// random command sequences go to gocache and to redis-server 7.0, and
// every reply must be the same bytes, in RESP2 and in RESP3. On a
// mismatch the test prints the seed and the shortest sequence it could
// find that still fails.
//
// The generator is a table of rows (Op), one per command shape, so a
// data-type package adds its commands by appending rows. A row says how
// to build the arguments from the generator's pools, and how to compare
// replies when exact bytes cannot be expected (a TTL read a millisecond
// later, keys listed in hash-table order).
package difftest

import (
	"math/rand/v2"
	"strconv"
)

// Op is one row of the generator table.
type Op struct {
	Name   string
	Weight int                   // relative frequency
	Args   func(g *Gen) []string // the command, name included
	// Same compares gocache's reply with Redis's (raw RESP bytes); nil
	// means byte for byte.
	Same func(got, want string) bool
}

// Step is one generated command with its comparison.
type Step struct {
	Args []string
	Same func(got, want string) bool
}

// Gen holds the random source and the pools arguments come from. Keys
// come from a small pool so that commands meet the same keys often.
type Gen struct {
	R *rand.Rand

	inMulti bool                          // a MULTI is open
	queued  []func(got, want string) bool // comparisons of the commands queued in it
	same    func(got, want string) bool   // set by CompareWith for the step being built
}

// CompareWith replaces the row's comparison for the step its Args is
// building, for a row whose replies can only be compared exactly with
// some arguments (SORT's order of equal elements read from a set).
func (g *Gen) CompareWith(same func(got, want string) bool) { g.same = same }

// NewGen returns a generator for seed.
func NewGen(seed uint64) *Gen { return &Gen{R: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))} }

// Pick returns one of choices.
func (g *Gen) Pick(choices ...string) string { return choices[g.R.IntN(len(choices))] }

// Chance is true with probability 1/n.
func (g *Gen) Chance(n int) bool { return g.R.IntN(n) == 0 }

// Key is a key from the pool k0..k7, sometimes one of the data types'
// keys (see TypedKey) or the empty key.
func (g *Gen) Key() string {
	if g.Chance(40) {
		return ""
	}
	if g.Chance(4) {
		return g.Pick("l", "h", "s", "z", "x") + strconv.Itoa(g.R.IntN(3))
	}
	return "k" + strconv.Itoa(g.R.IntN(8))
}

// TypedKey is a key for a command of one data type: mostly from that
// type's pool (prefix, then 0..2) so that its commands find values of
// their type, otherwise any key, to meet WRONGTYPE and other types.
func (g *Gen) TypedKey(prefix string) string {
	if g.Chance(4) {
		return g.Key()
	}
	return prefix + strconv.Itoa(g.R.IntN(3))
}

// TypedKeys is 1..max keys of one data type.
func (g *Gen) TypedKeys(prefix string, max int) []string {
	keys := make([]string, 1+g.R.IntN(max))
	for i := range keys {
		keys[i] = g.TypedKey(prefix)
	}
	return keys
}

// Keys is 1..max keys.
func (g *Gen) Keys(max int) []string {
	keys := make([]string, 1+g.R.IntN(max))
	for i := range keys {
		keys[i] = g.Key()
	}
	return keys
}

// Value is a string value: integers at the edges of int64, floats, text
// around the 44-byte embstr limit, binary, empty.
func (g *Gen) Value() string {
	switch g.R.IntN(12) {
	case 0:
		return strconv.Itoa(g.R.IntN(20000) - 5000)
	case 1:
		return g.Pick("9223372036854775807", "-9223372036854775808", "9223372036854775808", "0", "-0", "007", " 1")
	case 2:
		return g.Float()
	case 3:
		return g.Pick("", "a\r\nb", "\x00\xff")
	case 4:
		n := 40 + g.R.IntN(10)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + g.R.IntN(26))
		}
		return string(b)
	default:
		return "v" + strconv.Itoa(g.R.IntN(100))
	}
}

// Int is an integer argument, sometimes not one.
func (g *Gen) Int() string {
	switch g.R.IntN(10) {
	case 0:
		return g.Pick("abc", "", "1.5", " 1", "9223372036854775808", "-9223372036854775809")
	case 1:
		return g.Pick("9223372036854775807", "-9223372036854775808", "0", "-1")
	}
	return strconv.Itoa(g.R.IntN(200) - 100)
}

// Float is an INCRBYFLOAT argument.
func (g *Gen) Float() string {
	switch g.R.IntN(8) {
	case 0:
		return g.Pick("abc", "", "inf", "-inf", "nan", "1e", " 1", "1e400", "1e4933", "0x1p3")
	case 1:
		return g.Pick("0.1", "-0.1", "1e-17", "3e2", ".5", "5.", "1e30", "-1e30", "123456789.123456789")
	}
	return strconv.Itoa(g.R.IntN(2000)-1000) + "." + strconv.Itoa(g.R.IntN(1000))
}

// DB is a database index, usually one of the first four so keys meet.
func (g *Gen) DB() string {
	if g.Chance(10) {
		return g.Pick("15", "16", "-1", "x", "99999999999")
	}
	return strconv.Itoa(g.R.IntN(4))
}

// Seconds is a relative time to live that cannot run out during a test,
// or a value Redis refuses or that deletes the key at once.
func (g *Gen) Seconds() string {
	if g.Chance(6) {
		return g.Pick("0", "-1", "abc", "9223372036854775807")
	}
	return strconv.Itoa(1000 + g.R.IntN(100000))
}

// UnixSeconds is an absolute time in 2100 or later, or one long past.
func (g *Gen) UnixSeconds() string {
	if g.Chance(6) {
		return g.Pick("1", "0", "-1")
	}
	return strconv.Itoa(4102444800 + g.R.IntN(1000000))
}

// Generate builds n steps from the rows, each picked with its weight.
// An open transaction ends (EXEC, sometimes DISCARD) after a few
// commands, so that most commands run outside one.
func Generate(seed uint64, n int, rows []Op) []Step {
	g := NewGen(seed)
	total := 0
	for _, r := range rows {
		total += r.Weight
	}
	steps := make([]Step, 0, n)
	for len(steps) < n {
		if g.inMulti && g.Chance(5) {
			steps = append(steps, g.track(Step{Args: cmd(g.Pick("EXEC", "EXEC", "EXEC", "DISCARD"))}))
			continue
		}
		x := g.R.IntN(total)
		for _, r := range rows {
			if x -= r.Weight; x < 0 {
				st := Step{Args: r.Args(g), Same: r.Same}
				if g.same != nil {
					st.Same, g.same = g.same, nil
				}
				steps = append(steps, g.track(st))
				break
			}
		}
	}
	return steps
}
