package zset

import (
	"math"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// Redis's error replies for ranges and scores, byte for byte.
const (
	ErrScoreRange = "ERR min or max is not a float"
	ErrLexRange   = "ERR min or max not valid string range item"
	ErrNotFloat   = "ERR value is not a valid float"
	ErrNaN        = "ERR resulting score is not a number (NaN)"
)

// ScoreRange is a score interval; Min/Max are excluded when MinEx/MaxEx
// are set (Redis's zrangespec).
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

// GteMin reports whether v is at or above the lower bound.
func (r ScoreRange) GteMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

// LteMax reports whether v is at or below the upper bound.
func (r ScoreRange) LteMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

// Empty reports whether no score can be in the range.
func (r ScoreRange) Empty() bool {
	return r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

// ParseScoreRange parses ZRANGEBYSCORE-style bounds: a float as C's
// strtod reads it (so "-inf", "+inf", " 1" and even "" are valid), with
// a leading "(" for an exclusive bound. It reports false for what Redis
// answers with ErrScoreRange.
func ParseScoreRange(min, max []byte) (ScoreRange, bool) {
	var r ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = parseBound(min)
	r.Max, r.MaxEx, ok2 = parseBound(max)
	return r, ok1 && ok2
}

func parseBound(b []byte) (float64, bool, bool) {
	ex := false
	if len(b) > 0 && b[0] == '(' {
		ex = true
		b = b[1:]
	}
	v, ok, _ := Strtod(string(b))
	return v, ex, ok && !math.IsNaN(v)
}

// ParseScore reads a score argument as Redis's string2d: the whole
// string must be a float, no leading space, no NaN, no overflow to
// infinity or underflow to zero ("inf" itself is fine).
func ParseScore(b []byte) (float64, bool) {
	if len(b) == 0 || cmdarg.IsSpace(b[0]) {
		return 0, false
	}
	v, ok, rangeErr := Strtod(string(b))
	if !ok || rangeErr || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// Strtod is C's strtod on a whole string: ok when the string is one
// float (after optional leading white space) or empty, which strtod
// accepts as 0 with nothing consumed. rangeErr is strtod's ERANGE for
// an overflow to infinity or an underflow to zero.
func Strtod(s string) (v float64, ok, rangeErr bool) {
	if s == "" {
		return 0, true, false
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" || strings.ContainsRune(t, '_') {
		return 0, false, false
	}
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return 0, false, false
	}
	lower := strings.ToLower(body)
	hex := strings.HasPrefix(lower, "0x")
	if hex && !strings.Contains(lower, "p") {
		t += "p0" // C accepts hex floats without a binary exponent
	}
	if strings.HasPrefix(lower, "nan") && lower != "nan" {
		return 0, false, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		if ne, isNum := err.(*strconv.NumError); isNum && ne.Err == strconv.ErrRange {
			return f, true, true
		}
		return 0, false, false
	}
	if f == 0 && nonZeroMantissa(lower, hex) {
		return f, true, true
	}
	return f, true, false
}

// nonZeroMantissa reports whether a number that parsed as zero had a
// nonzero digit before its exponent: an underflow.
func nonZeroMantissa(s string, hex bool) bool {
	if hex {
		s = s[2:]
	}
	for _, c := range s {
		switch {
		case (c == 'e' && !hex) || c == 'p':
			return false
		case c >= '1' && c <= '9', hex && c >= 'a' && c <= 'f':
			return true
		}
	}
	return false
}

// LexRange is a member interval for the BYLEX commands. Min "-" and
// Max "+" are the infinite bounds.
type LexRange struct {
	Min, Max         string
	MinEx, MaxEx     bool
	MinInf, MaxInf   bool // "-" as min or max: below everything
	MinPInf, MaxPInf bool // "+" as min or max: above everything
}

// ParseLexRange parses "[a", "(a", "-" and "+" bounds; false is Redis's
// ErrLexRange.
func ParseLexRange(min, max []byte) (LexRange, bool) {
	var r LexRange
	var ok1, ok2 bool
	r.Min, r.MinEx, r.MinInf, r.MinPInf, ok1 = parseLexItem(min)
	r.Max, r.MaxEx, r.MaxInf, r.MaxPInf, ok2 = parseLexItem(max)
	return r, ok1 && ok2
}

func parseLexItem(b []byte) (s string, ex, minusInf, plusInf, ok bool) {
	if len(b) == 0 {
		return "", false, false, false, false
	}
	switch b[0] {
	case '+':
		return "", true, false, true, len(b) == 1
	case '-':
		return "", true, true, false, len(b) == 1
	case '(':
		return string(b[1:]), true, false, false, true
	case '[':
		return string(b[1:]), false, false, false, true
	}
	return "", false, false, false, false
}

// cmpMin compares the lower bound with s: <0 bound below s.
func (r LexRange) cmpMin(s string) int {
	switch {
	case r.MinInf:
		return -1
	case r.MinPInf:
		return 1
	}
	return strings.Compare(r.Min, s)
}

func (r LexRange) cmpMax(s string) int {
	switch {
	case r.MaxInf:
		return -1
	case r.MaxPInf:
		return 1
	}
	return strings.Compare(r.Max, s)
}

// GteMin reports whether s is at or above the lower bound.
func (r LexRange) GteMin(s string) bool {
	c := r.cmpMin(s)
	if r.MinEx {
		return c < 0
	}
	return c <= 0
}

// LteMax reports whether s is at or below the upper bound.
func (r LexRange) LteMax(s string) bool {
	c := r.cmpMax(s)
	if r.MaxEx {
		return c > 0
	}
	return c >= 0
}

// Empty reports whether no member can be in the range (Redis's
// sdscmplex(min, max) > 0, or equal bounds with one excluded).
func (r LexRange) Empty() bool {
	rank := func(inf, pinf bool) int {
		switch {
		case inf:
			return -1
		case pinf:
			return 1
		}
		return 0
	}
	a, b := rank(r.MinInf, r.MinPInf), rank(r.MaxInf, r.MaxPInf)
	c := 0
	switch {
	case a != b || a != 0:
		c = a - b
		if a == b { // both the same infinity
			c = 0
		}
	default:
		c = strings.Compare(r.Min, r.Max)
	}
	return c > 0 || (c == 0 && (r.MinEx || r.MaxEx))
}
