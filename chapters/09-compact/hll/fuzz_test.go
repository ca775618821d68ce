package hll

import "testing"

// FuzzSparseNeverPanics feeds any bytes after a sparse header to every
// reader and writer: a corrupt value is refused with ErrCorrupt (or read
// as Redis reads it), never a panic or an endless loop, and whatever Add
// returns is still a value Valid accepts.
func FuzzSparseNeverPanics(f *testing.F) {
	f.Add([]byte("\x7f\xff"), []byte("a"))
	f.Add([]byte("\x7f\xfe\x80"), []byte("b"))
	f.Add([]byte("\x40"), []byte(""))
	f.Add([]byte("\x3f\x7f\xbe\x84\xff"), []byte("foo"))
	f.Fuzz(func(t *testing.T, body, ele []byte) {
		b := append([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"), body...)
		if !Valid(b) {
			t.Fatal("a sparse header is valid")
		}
		Count(b)
		var max [Registers]uint8
		Merge(&max, b)
		ToDense(b)
		Decode(b)
		out, _, err := Add(append([]byte(nil), b...), ele, DefaultSparseMax)
		if err == nil && !Valid(out) {
			t.Fatalf("Add made an invalid value from %q", body)
		}
	})
}
