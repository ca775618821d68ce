package cmdarg

import "testing"

func TestCursorIsStrtoulOverTheWholeString(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true}, {"", 0, true}, {"42", 42, true}, {"+7", 7, true}, {"-1", 1<<64 - 1, true},
		{"18446744073709551615", 1<<64 - 1, true}, {"18446744073709551616", 0, false},
		{" 1", 0, false}, {"1 ", 0, false}, {"x", 0, false}, {"--1", 0, false}, {"+-1", 0, false}, {"-", 0, false},
	} {
		got, ok := Cursor([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("Cursor(%q) = %d %v, want %d %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestIsFoldsASCIICaseOnly(t *testing.T) {
	for _, tc := range []struct {
		arg, word string
		want      bool
	}{
		{"COUNT", "count", true}, {"CoUnT", "count", true}, {"count", "count", true},
		{"counts", "count", false}, {"", "count", false}, {"MATCH", "count", false},
	} {
		if got := Is([]byte(tc.arg), tc.word); got != tc.want {
			t.Errorf("Is(%q, %q) = %v", tc.arg, tc.word, got)
		}
	}
}
