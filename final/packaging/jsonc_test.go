package packaging

import (
	"strings"
	"testing"
)

func TestStripJSONC(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain JSON unchanged", `{"a": [1, 2]}`, `{"a": [1, 2]}`},
		{"line comment", "{\"a\": 1 // one\n}", "{\"a\": 1       \n}"},
		{"block comment", `{/* x */"a": 1}`, `{       "a": 1}`},
		{"block comment keeps newlines", "{/*\n*/\"a\": 1}", "{  \n  \"a\": 1}"},
		{"slashes inside a string", `{"url": "http://x/*y*/"}`, `{"url": "http://x/*y*/"}`},
		{"escaped quote inside a string", `{"q": "a\"//b"}`, `{"q": "a\"//b"}`},
		{"escaped backslash ends the string", `{"p": "c:\\"} // c`, `{"p": "c:\\"}     `},
		{"trailing comma in object", `{"a": 1,}`, `{"a": 1 }`},
		{"trailing comma in array", `[1, 2, ]`, `[1, 2  ]`},
		{"trailing comma before a comment", "[1, // last\n]", "[1         \n]"},
		{"comma inside a string kept", `["a,]"]`, `["a,]"]`},
		{"comment at end of file", "{} // end", "{}       "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StripJSONC([]byte(tt.in))
			if err != nil {
				t.Fatalf("StripJSONC(%q): %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Errorf("StripJSONC(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripJSONCRejectsBrokenInput(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"unterminated block comment", "{\n/* open", "line 2: unterminated /* comment"},
		{"unterminated string", `{"a": "b`, "line 1: unterminated string"},
		{"newline in a string", "{\"a\": \"b\n\"}", "line 1: newline inside a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := StripJSONC([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("StripJSONC(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
		})
	}
}
