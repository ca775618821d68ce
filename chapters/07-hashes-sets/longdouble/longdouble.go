// Package longdouble does arithmetic the way Redis's INCRBYFLOAT and
// HINCRBYFLOAT do, in C's long double, so that gocache's results print
// with the same digits as Redis's.
package longdouble

import (
	"math/big"
	"strings"
)

// Redis computes in C's long double, which on x86-64 is the x87
// 80-bit format: a 64-bit mantissa and a 15-bit exponent. Go has no such
// type, so the arithmetic is done in math/big with the same precision
// and rounding (nearest, ties to even), and the same range checks, which
// gives the same bits as Redis for every sum it can form; the result is
// printed as Redis's ld2string (LD_STR_HUMAN) does: "%.17Lf" with the
// trailing zeros removed.
const (
	Prec = 64 // mantissa bits
	// In big.Float's form mant × 2^exp with 0.5 <= mant < 1, finite long
	// doubles have exp <= ldMaxExp, and the smallest denormal has exp
	// ldMinExp.
	ldMaxExp = 16384
	ldMinExp = -16444
	// maxFloatChars is MAX_LONG_DOUBLE_CHARS: longer input is refused.
	maxFloatChars = 5 * 1024
)

// Parse reads b as Redis's string2ld does with strtold: an
// optional sign, then decimal digits with an optional point and
// exponent, a 0x hexadecimal float, or "inf"/"infinity"; nothing may
// precede or follow it (no spaces), NaN is refused, and so is a value
// too large for a long double or so small it rounds to zero. The result
// is rounded to the long double's 64 bits; inf is returned as such (the
// sum then fails).
func Parse(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= maxFloatChars {
		return nil, false
	}
	s := string(b)
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if l := strings.ToLower(s); l == "inf" || l == "infinity" {
		return new(big.Float).SetInf(neg), true
	}
	var f *big.Float
	var ok bool
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		f, ok = parseHexFloat(s[2:])
	} else {
		f, ok = parseDecimalFloat(s)
	}
	if !ok {
		return nil, false
	}
	if neg {
		f.Neg(f)
	}
	return f, true
}

// parseDecimalFloat reads digits[.digits][e[+-]digits] (at least one
// digit before or after the point) exactly and rounds once.
func parseDecimalFloat(s string) (*big.Float, bool) {
	var mant []byte
	i, frac, digits := 0, 0, 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		mant = append(mant, s[i])
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isDigit(s[i]); i++ {
			mant = append(mant, s[i])
			frac++
			digits++
		}
	}
	if digits == 0 {
		return nil, false
	}
	exp := int64(0)
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		eneg := false
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			eneg = s[j] == '-'
			j++
		}
		if j == len(s) {
			return nil, false
		}
		for ; j < len(s); j++ {
			if !isDigit(s[j]) {
				return nil, false
			}
			if exp < 1e9 {
				exp = exp*10 + int64(s[j]-'0')
			}
		}
		if eneg {
			exp = -exp
		}
		i = len(s)
	}
	if i != len(s) {
		return nil, false
	}
	mantStr := strings.TrimLeft(string(mant), "0")
	f := new(big.Float).SetPrec(Prec)
	if mantStr == "" {
		return f, true // zero, whatever the exponent
	}
	exp -= int64(frac)
	// The value is about 10^(len(mantStr)-1+exp); far outside the long
	// double's range (1e4932 .. 3.6e-4951) strtold reports ERANGE, which
	// Redis refuses. Checking here also keeps the exact arithmetic small.
	if mag := int64(len(mantStr)) - 1 + exp; mag > 4933 || mag < -4952 {
		return nil, false
	}
	m, _ := new(big.Int).SetString(mantStr, 10)
	if exp >= 0 {
		m.Mul(m, new(big.Int).Exp(big.NewInt(10), big.NewInt(exp), nil))
		f.SetInt(m)
	} else {
		den := new(big.Int).Exp(big.NewInt(10), big.NewInt(-exp), nil)
		f.SetRat(new(big.Rat).SetFrac(m, den))
	}
	return f, inRange(f)
}

// parseHexFloat reads the part after "0x": hex digits with an optional
// point, and an optional binary exponent p[+-]digits.
func parseHexFloat(s string) (*big.Float, bool) {
	i, digits := 0, 0
	for ; i < len(s) && isHex(s[i]); i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isHex(s[i]); i++ {
			digits++
		}
	}
	if digits == 0 {
		return nil, false
	}
	if i < len(s) && (s[i] == 'p' || s[i] == 'P') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j == len(s) || len(s)-j > 6 {
			return nil, false
		}
		for ; j < len(s); j++ {
			if !isDigit(s[j]) {
				return nil, false
			}
		}
		i = len(s)
	}
	if i != len(s) {
		return nil, false
	}
	f, _, err := big.ParseFloat("0x"+s, 0, Prec, big.ToNearestEven)
	if err != nil {
		return nil, false
	}
	return f, inRange(f)
}

// inRange reports whether a finite value is representable as
// a long double (zero, or between the smallest denormal and the largest
// finite value).
func inRange(f *big.Float) bool {
	if f.Sign() == 0 {
		return true
	}
	exp := f.MantExp(nil)
	return exp <= ldMaxExp && exp >= ldMinExp
}

func isDigit(ch byte) bool { return ch >= '0' && ch <= '9' }

func isHex(ch byte) bool {
	return isDigit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')
}

// Add returns a+b rounded to a long double, and false when the
// sum is NaN or infinite (the "increment would produce NaN or Infinity"
// error).
func Add(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	z := new(big.Float).SetPrec(Prec).Add(a, b)
	if z.Sign() != 0 && z.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return z, true
}

// Format is ld2string's LD_STR_HUMAN: 17 decimals, trailing
// zeros and a trailing point removed, and "-0" printed as "0".
func Format(f *big.Float) string {
	s := f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
