package resp

import (
	"strconv"
	"testing"
)

// TestParseIntIsString2ll pins Redis's string2ll rules: only the canonical
// decimal form of an int64 is a number.
func TestParseIntIsString2ll(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"-1", -1, true},
		{"123", 123, true},
		{"9223372036854775807", 1<<63 - 1, true},
		{"-9223372036854775808", -1 << 63, true},
		{"", 0, false},
		{"-", 0, false},
		{"+1", 0, false},    // no '+'
		{"01", 0, false},    // no leading zero
		{"007", 0, false},   // SET k 007; INCR k is an error in Redis
		{"00", 0, false},    // only "0" itself
		{"-0", 0, false},    // not canonical
		{"-01", 0, false},   // no leading zero after '-'
		{" 1", 0, false},    // INCRBY k " 1" is an error in Redis
		{"1 ", 0, false},    // no trailing space
		{"\t1", 0, false},   // no whitespace of any kind
		{"1\x00", 0, false}, // binary-safe: a NUL is not the end
		{"1.0", 0, false},
		{"1e3", 0, false},
		{"0x10", 0, false},
		{"abc", 0, false},
		{"--1", 0, false},
		{"9223372036854775808", 0, false},   // overflow by one
		{"-9223372036854775809", 0, false},  // overflow by one
		{"18446744073709551616", 0, false},  // 2^64: overflows a uint64 too
		{"99999999999999999999", 0, false},  // 20 digits, over 2^64
		{"-09223372036854775808", 0, false}, // 21 bytes
		{"100000000000000000000", 0, false}, // 21 digits
	}
	for _, tt := range tests {
		got, ok := ParseInt([]byte(tt.in))
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzParseInt checks ParseInt against a definition of string2ll built
// from the standard library: a number is accepted exactly when it is the
// canonical form of an int64.
func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-1", "+1", "01", "-0", " 1", "9223372036854775808", "-9223372036854775808"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := ParseInt(b)
		want, err := strconv.ParseInt(string(b), 10, 64)
		wantOK := err == nil && strconv.FormatInt(want, 10) == string(b)
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("ParseInt(%q) = %d, %v; want %d, %v", b, got, ok, want, wantOK)
		}
	})
}
