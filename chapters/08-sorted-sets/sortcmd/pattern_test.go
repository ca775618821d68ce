package sortcmd

import (
	"bytes"
	"testing"
)

func TestPatternKey(t *testing.T) {
	for _, tc := range []struct {
		pattern, elem, key, field string
		self                      bool
	}{
		{"w_*", "a", "w_a", "", false},
		{"w_*_x", "a", "w_a_x", "", false},
		{"h_*->f", "a", "h_a", "f", false},
		{"h_*->", "a", "h_a->", "", false},
		{"h_*->f->g", "a", "h_a", "f->g", false},
		{"*->f*", "a", "a", "f*", false},
		{"->f*", "a", "->fa", "", false},
		{"#", "a", "", "", true},
		{"#\x00x", "a", "", "", true},
		{"##", "a", "", "", false},
		{"nosort", "a", "", "", false},
		{"x\x00*", "a", "", "", false},
		{"p*\x00q", "a", "pa\x00q", "", false},
		{"h*->\x00f", "a", "ha->\x00f", "", false},
		{"h*->f\x00g", "a", "ha", "f\x00g", false},
		{"**", "a", "a*", "", false},
	} {
		key, field, self := patternKey([]byte(tc.pattern), []byte(tc.elem))
		if string(key) != tc.key || string(field) != tc.field || self != tc.self || (tc.key != "" && key == nil) {
			t.Errorf("patternKey(%q, %q) = %q, %q, %v; want %q, %q, %v", tc.pattern, tc.elem, key, field, self, tc.key, tc.field, tc.self)
		}
	}
}

// A pattern never panics, and the key it names is the pattern with its
// first * (before any NUL) replaced by the element, less any ->field.
func FuzzPatternKey(f *testing.F) {
	for _, s := range []string{"w_*", "h_*->f", "#", "*->", "a\x00*", "->*->x"} {
		f.Add([]byte(s), []byte("elem"))
	}
	f.Fuzz(func(t *testing.T, pattern, elem []byte) {
		key, field, self := patternKey(pattern, elem)
		if self {
			if key != nil || field != nil {
				t.Fatal("self with a key")
			}
			return
		}
		if key == nil {
			if bytes.IndexByte(cstr(pattern), '*') >= 0 {
				t.Fatalf("%q has a * but named no key", pattern)
			}
			return
		}
		star := bytes.IndexByte(pattern, '*')
		rebuilt := append(append(append([]byte(nil), pattern[:star]...), elem...), pattern[star+1:]...)
		if field != nil {
			rebuilt = rebuilt[:len(rebuilt)-len(field)-2]
		}
		if !bytes.Equal(key, rebuilt) {
			t.Fatalf("patternKey(%q, %q) = %q, want %q", pattern, elem, key, rebuilt)
		}
	})
}
