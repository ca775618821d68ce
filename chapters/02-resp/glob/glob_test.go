package glob

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, str string
		nocase       bool
		want         bool
	}{
		{"*", "", false, false}, // as in Redis: callers shortcut a lone "*"
		{"*", "anything", false, true},
		{"h?llo", "hello", false, true},
		{"h?llo", "hllo", false, false},
		{"h*llo", "heeeello", false, true},
		{"h[ae]llo", "hallo", false, true},
		{"h[ae]llo", "hillo", false, false},
		{"h[^e]llo", "hallo", false, true},
		{"h[^e]llo", "hello", false, false},
		{"h[a-b]llo", "hbllo", false, true},
		{"h[b-a]llo", "hallo", false, true}, // reversed range
		{"h[a-b]llo", "hcllo", false, false},
		{`h\*llo`, "h*llo", false, true},
		{`h\*llo`, "hello", false, false},
		{"h[", "h", false, false},
		{"h[a", "ha", false, true}, // unterminated class closes at the end
		{"user:*", "user:1", false, true},
		{"user:*", "usr:1", false, false},
		{"*:*:*", "a:b:c", false, true},
		{"APPEND*", "appendonly", true, true},
		{"APPEND*", "appendonly", false, false},
		{"[A-Z]x", "bx", true, true},
		{"a*", "", false, false},
		{"**", "", false, false},
		{"a**b", "ab", false, true},
		{`[\]]`, "]", false, true},
		{"a*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, false},
	}
	for _, tt := range tests {
		if got := MatchString(tt.pattern, tt.str, tt.nocase); got != tt.want {
			t.Errorf("Match(%q, %q, nocase=%v) = %v, want %v", tt.pattern, tt.str, tt.nocase, got, tt.want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("h[^a-c]*o?\\*", "hello*")
	f.Add("[", "x")
	f.Fuzz(func(t *testing.T, pattern, str string) {
		Match([]byte(pattern), []byte(str), false)
		Match([]byte(pattern), []byte(str), true)
		if str != "" && !Match([]byte("*"), []byte(str), false) {
			t.Fatalf("* must match %q", str)
		}
	})
}
