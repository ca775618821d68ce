package hash

import (
	"math/big"
	"strings"

	"github.com/gocache/gocache/final/cmdarg"
)

// HINCRBYFLOAT computes in C's long double (x87 80-bit: a 64-bit
// mantissa) and prints with "%.17Lf" minus trailing zeros, so 0.1 + 0.2
// reads back as "0.3" where float64 would give 0.30000000000000004. A
// big.Float with 64 bits of precision and round-to-nearest-even rounds
// exactly as the x87 does; only the exponent range needs checking.
const ldPrec = 64

// ldMaxExp is the binary exponent past which a long double overflows
// (LDBL_MAX_EXP), ldMinExp where it underflows to zero (denormals end at
// 2^-16445).
const (
	ldMaxExp = 16384
	ldMinExp = -16444
)

// parseLongDouble is Redis's string2ld: the whole string is one number
// for strtold, no leading space, no NaN, no overflow or underflow to
// zero. inf reports an infinite value ("inf", "-infinity"), which the
// caller rejects with its own message.
func parseLongDouble(b []byte) (v *big.Float, inf, ok bool) {
	if len(b) == 0 || len(b) >= 5*1024 || cmdarg.IsSpace(b[0]) {
		return nil, false, false
	}
	s := strings.ToLower(string(b))
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return nil, false, false
	}
	switch body {
	case "inf", "infinity":
		return nil, true, true
	}
	if strings.HasPrefix(body, "nan") || strings.ContainsRune(body, '_') {
		return nil, false, false
	}
	if strings.HasPrefix(body, "0x") && !strings.Contains(body, "p") {
		s += "p0"
	}
	f, _, err := big.ParseFloat(s, 0, ldPrec, big.ToNearestEven)
	if err != nil {
		return nil, false, false
	}
	if !inRange(f) {
		return nil, false, false
	}
	return f, false, true
}

// inRange reports whether f is a finite long double that is not an
// underflow (strtold's ERANGE cases Redis refuses).
func inRange(f *big.Float) bool {
	if f.Sign() == 0 {
		return true
	}
	e := f.MantExp(nil)
	return e <= ldMaxExp && e > ldMinExp
}

// formatLongDouble is ld2string with LD_STR_HUMAN: "%.17Lf", trailing
// zeros and a bare point removed, "-0" as "0".
func formatLongDouble(f *big.Float) string {
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
