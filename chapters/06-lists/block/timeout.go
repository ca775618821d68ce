package block

import "math/big"

// Redis's replies to a bad timeout.
const (
	errTimeoutFloat    = "ERR timeout is not a float or out of range"
	errTimeoutNegative = "ERR timeout is negative"
)

// maxTimeout is the longest timeout, in ms, given a timer (about 31
// years); a longer one waits forever, which no one can tell apart.
const maxTimeout = 1e12

// maxLongDoubleChars is Redis's MAX_LONG_DOUBLE_CHARS: a longer argument
// is not a number.
const maxLongDoubleChars = 5 * 1024

// The limits of C's long double (x87 80-bit), which Redis parses the
// timeout into with strtold: beyond them strtold reports ERANGE.
var (
	longDoubleMax, _, _     = big.ParseFloat("1.18973149535723176502e+4932", 10, 64, big.ToNearestEven)
	longDoubleTrueMin, _, _ = big.ParseFloat("3.64519953188247460253e-4951", 10, 64, big.ToNearestEven)
)

// maxExponent bounds the exponent written in a timeout beyond which its
// value is out of long double's range whatever its (at most
// maxLongDoubleChars) digits: decided without computing it, since big
// would take minutes for 1e999999999.
const maxExponent = 100000

// parseTimeout reads a timeout in seconds as Redis 7.0's
// getTimeoutFromObjectOrReply: a long double (decimal or hex, no spaces,
// no NaN) times 1000, rounded up to whole milliseconds, then converted to
// a long long, where x86 turns anything out of range, infinities
// included, into the most negative value. It returns the milliseconds (0:
// wait forever) or the error reply.
func parseTimeout(arg []byte) (ms int64, errMsg string) {
	if len(arg) > maxLongDoubleChars {
		return 0, errTimeoutFloat
	}
	s := string(arg)
	n, ok := scanFloat(s)
	switch {
	case !ok:
		return 0, errTimeoutFloat
	case n.inf:
		return 0, errTimeoutNegative
	case n.zero:
		return 0, ""
	case n.exp > maxExponent || n.exp < -maxExponent:
		return 0, errTimeoutFloat // overflow or underflow: ERANGE
	}
	f, _, err := big.ParseFloat(s, 0, 64, big.ToNearestEven)
	if err != nil {
		return 0, errTimeoutFloat
	}
	abs := new(big.Float).Abs(f)
	if abs.Cmp(longDoubleMax) > 0 {
		return 0, errTimeoutFloat // HUGE_VAL with ERANGE
	}
	if abs.Cmp(new(big.Float).Quo(longDoubleTrueMin, big.NewFloat(2))) < 0 {
		return 0, errTimeoutFloat // underflow to 0 with ERANGE
	}
	f.Mul(f, big.NewFloat(1000))
	i, acc := f.Int(nil) // truncates toward zero
	if acc == big.Below {
		i.Add(i, big.NewInt(1)) // ceill of a positive fraction
	}
	if !i.IsInt64() || i.Int64() < 0 {
		return 0, errTimeoutNegative
	}
	return i.Int64(), ""
}

// number is what scanFloat learnt of a numeral.
type number struct {
	inf  bool // an infinity
	zero bool // every digit is 0
	exp  int  // the written exponent, clamped to a few times maxExponent
}

// scanFloat reports whether s is entirely a number strtold reads in the
// C locale: [sign] then "inf", "infinity", decimal digits with an
// optional point and exponent, or "0x" hex digits with an optional point
// and binary exponent. NaN is refused, as Redis's string2ld does, and so
// is leading space.
func scanFloat(s string) (n number, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if rest := lower(s[i:]); rest == "inf" || rest == "infinity" {
		return number{inf: true}, true
	}
	hex := len(s)-i > 2 && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X')
	if hex {
		i += 2
	}
	digits, point := 0, false
	n.zero = true
	for ; i < len(s); i++ {
		if s[i] == '.' && !point {
			point = true
			continue
		}
		if !isDigit(s[i], hex) {
			break
		}
		digits++
		n.zero = n.zero && s[i] == '0'
	}
	if digits == 0 {
		return n, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E' || (hex && (s[i] == 'p' || s[i] == 'P'))) {
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		start := i
		for ; i < len(s) && isDigit(s[i], false); i++ {
			if n.exp < 4*maxExponent {
				n.exp = n.exp*10 + int(s[i]-'0')
			}
		}
		if i == start {
			return n, false
		}
		if neg {
			n.exp = -n.exp
		}
	}
	return n, i == len(s)
}

func isDigit(c byte, hex bool) bool {
	switch {
	case c >= '0' && c <= '9':
		return true
	case hex:
		c |= 0x20
		return c >= 'a' && c <= 'f'
	}
	return false
}

// lower lowercases ASCII letters, for the few words strtold knows.
func lower(s string) string {
	if len(s) > len("infinity") {
		return ""
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
