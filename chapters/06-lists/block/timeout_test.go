package block

import (
	"testing"
	"time"
)

// TestParseTimeout pins the milliseconds each timeout means: seconds
// times 1000 rounded up (so the smallest positive timeout still times
// out rather than waiting forever), 0 and anything that rounds up to 0
// forever, and Redis's errors. TestTimeoutArgumentLikeRedis checks the
// same inputs against redis-server.
func TestParseTimeout(t *testing.T) {
	tests := []struct {
		in  string
		ms  int64
		err string
	}{
		{"0", 0, ""},
		{"1", 1000, ""},
		{"0.5", 500, ""},
		{"1.0005", 1001, ""},
		{"+1", 1000, ""},
		{".5", 500, ""},
		{"5.", 5000, ""},
		{"1e3", 1000000, ""},
		{"0x10", 16000, ""},
		{"0x1p3", 8000, ""},
		{"0x.8", 500, ""},
		{"-0", 0, ""},
		{"-0.0001", 0, ""},
		{"0.0001", 1, ""},
		{"1e-400", 1, ""},
		{"9e15", 9e18, ""},
		{"abc", 0, errTimeoutFloat},
		{"", 0, errTimeoutFloat},
		{" 1", 0, errTimeoutFloat},
		{"1 ", 0, errTimeoutFloat},
		{"nan", 0, errTimeoutFloat},
		{"0x", 0, errTimeoutFloat},
		{"1e", 0, errTimeoutFloat},
		{"1_000", 0, errTimeoutFloat},
		{"0b1", 0, errTimeoutFloat},
		{"1e5000", 0, errTimeoutFloat},
		{"1e-5000", 0, errTimeoutFloat},
		{"-1", 0, errTimeoutNegative},
		{"inf", 0, errTimeoutNegative},
		{"-Infinity", 0, errTimeoutNegative},
		{"1e400", 0, errTimeoutNegative},
		{"9.3e15", 0, errTimeoutNegative},
		{"9223372036854775807", 0, errTimeoutNegative},
	}
	for _, tc := range tests {
		ms, err := parseTimeout([]byte(tc.in))
		if ms != tc.ms || err != tc.err {
			t.Errorf("parseTimeout(%q) = %d, %q; want %d, %q", tc.in, ms, err, tc.ms, tc.err)
		}
	}
}

// FuzzParseTimeout: any argument is either an error or a timeout that is
// not negative, and parsing never panics.
func FuzzParseTimeout(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-0.0001", "0x1p3", "inf", "1e400", "nan", "9e15"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := parseTimeout([]byte(s))
		if err == "" && ms < 0 {
			t.Fatalf("parseTimeout(%q) = %d", s, ms)
		}
		if err != "" && ms != 0 {
			t.Fatalf("parseTimeout(%q) = %d with error %q", s, ms, err)
		}
	})
}

// TestParseTimeoutHugeExponents: exponents far out of range are decided
// without computing the number, which would take big minutes.
func TestParseTimeoutHugeExponents(t *testing.T) {
	for _, s := range []string{"1e999999999", "1e-999999999", "0x1p999999999", "1e99999", "0x1p-99999", "0e999999999", "1.e-99999"} {
		began := time.Now()
		ms, err := parseTimeout([]byte(s))
		if took := time.Since(began); took > time.Second {
			t.Errorf("parseTimeout(%q) took %v", s, took)
		}
		if s[0] == '0' && s[1] == 'e' {
			if ms != 0 || err != "" {
				t.Errorf("parseTimeout(%q) = %d, %q; want 0 (forever)", s, ms, err)
			}
		} else if err != errTimeoutFloat {
			t.Errorf("parseTimeout(%q) = %d, %q; want %q", s, ms, err, errTimeoutFloat)
		}
	}
}
