package longdouble

import "testing"

// TestLongDoubleMatchesRedis pins INCRBYFLOAT/HINCRBYFLOAT results taken from
// redis-server 7.0 on x86-64.
func TestLongDoubleMatchesRedis(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"0", "0.1", "0.1"},
		{"0.1", "0.2", "0.3"},
		{"0", "1e60", "999999999999999999999373423426722168652130621984886772203520"},
		{"0.00001", "3.0e3", "3000.00001000000000007"},
		{"0", "1.5e18", "1500000000000000000"},
		{"10.5", "-10.5", "0"},
		{"-0.5", "0.25", "-0.25"},
		{"5", "0x10", "21"},
	}
	for _, c := range cases {
		a, ok1 := Parse([]byte(c.a))
		b, ok2 := Parse([]byte(c.b))
		if !ok1 || !ok2 {
			t.Fatalf("parse %q %q", c.a, c.b)
		}
		sum, ok := Add(a, b)
		if !ok {
			t.Fatalf("%s + %s overflowed", c.a, c.b)
		}
		if got := Format(sum); got != c.want {
			t.Errorf("%s + %s = %s, want %s", c.a, c.b, got, c.want)
		}
	}
	for _, bad := range []string{"", " 1", "1 ", "abc", "nan", "1e5000", "1e-5000", "--1", "1_0"} {
		if f, ok := Parse([]byte(bad)); ok && !f.IsInf() {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	if f, ok := Parse([]byte("-inf")); !ok || !f.IsInf() {
		t.Error("-inf is a valid, infinite long double")
	}
}
