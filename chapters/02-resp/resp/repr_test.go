package resp

import "testing"

func TestAppendReprReadsBackWithSplitArgs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"a b", `"a b"`},
		{"q\"\\", `"q\"\\"`},
		{"\r\n\t\a\b", `"\r\n\t\a\b"`},
		{"\x00\x7f\xff", `"\x00\x7f\xff"`},
		{"", `""`},
	}
	for _, tt := range tests {
		got := string(AppendRepr(nil, []byte(tt.in)))
		if got != tt.want {
			t.Errorf("AppendRepr(%q) = %s, want %s", tt.in, got, tt.want)
		}
		args, err := SplitArgs(got)
		if err != nil || len(args) != 1 || args[0] != tt.in {
			t.Errorf("SplitArgs(%s) = %q, %v; want [%q]", got, args, err, tt.in)
		}
	}
}
