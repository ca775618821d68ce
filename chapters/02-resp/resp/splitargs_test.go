package resp

import (
	"fmt"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		in   string
		want []string // nil with ok false: unbalanced quotes
		ok   bool
	}{
		{"", []string{}, true},
		{"   \t\v\f ", []string{}, true},
		{"set key value", []string{"set", "key", "value"}, true},
		{"  lead  and   trail  ", []string{"lead", "and", "trail"}, true},
		{"a\tb\nc\rd", []string{"a", "b", "c", "d"}, true},
		// \v and \f are skipped between arguments but do not end one.
		{"a\vb", []string{"a\vb"}, true},
		{`"hello world"`, []string{"hello world"}, true},
		{`""`, []string{""}, true},
		{`''`, []string{""}, true},
		{`"\n\r\t\b\a\\\"\q"`, []string{"\n\r\t\b\a\\\"q"}, true},
		{`"\x00\x41\xff\xFf"`, []string{"\x00A\xff\xff"}, true},
		{`"\x4"`, []string{"x4"}, true},     // not two hex digits: \x is just x
		{`"\xzz"`, []string{"xzz"}, true},   // same
		{`'it\'s'`, []string{"it's"}, true}, // the only escape in single quotes
		{`'a\nb'`, []string{`a\nb`}, true},
		{`'\\'`, nil, false},                      // the second backslash escapes the closing quote
		{`a"b c"d`, nil, false},                   // closing quote followed by a letter
		{`a"b c" d`, []string{"ab c", "d"}, true}, // a quote may open mid-argument
		{`"a"b`, nil, false},
		{`'a'b`, nil, false},
		{`"a"` + "\v" + "b", []string{"a", "b"}, true}, // any isspace may follow a closing quote
		{`"abc`, nil, false},
		{`'abc`, nil, false},
		{`"abc\"`, nil, false},
		{`"abc\`, nil, false},
		{"a\x00b c", []string{"a"}, true}, // NUL ends the line, as in C
		{`"a` + "\x00" + `"`, nil, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%q", tc.in), func(t *testing.T) {
			got, err := SplitArgs(tc.in)
			if !tc.ok {
				if err == nil || err.Error() != "unbalanced quotes" {
					t.Fatalf("got %q, %v; want unbalanced quotes", got, err)
				}
				return
			}
			if err != nil || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
