package resp

import (
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// equal compares values field by field, with NaN equal to NaN.
func equal(a, b Value) bool {
	if a.Kind != b.Kind || !bytes.Equal(a.Str, b.Str) || (a.Str == nil) != (b.Str == nil) ||
		a.Int != b.Int || a.Bool != b.Bool || a.Null != b.Null || a.Format != b.Format ||
		len(a.Elems) != len(b.Elems) || (a.Elems == nil) != (b.Elems == nil) || len(a.Attrs) != len(b.Attrs) {
		return false
	}
	if a.Float != b.Float && !(math.IsNaN(a.Float) && math.IsNaN(b.Float)) {
		return false
	}
	for i := range a.Elems {
		if !equal(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	for i := range a.Attrs {
		if !equal(a.Attrs[i], b.Attrs[i]) {
			return false
		}
	}
	return true
}

// Every type, written in each protocol, reads back as the expected value
// through ParseValue (whole and growing a byte at a time) and through
// ReplyReader (fed a byte at a time).
func TestRoundTrip(t *testing.T) {
	for _, tc := range writeCases {
		for _, proto := range []int{2, 3} {
			want := tc.value2
			if proto == 3 {
				want = tc.value3
			}
			w := Writer{Proto: proto}
			tc.write(&w)
			wire := w.B

			v, n, err := ParseValue(wire)
			if err != nil || n != len(wire) || !equal(v, want) {
				t.Errorf("%s RESP%d ParseValue: %+v n=%d err=%v, want %+v", tc.name, proto, v, n, err, want)
			}
			for i := range len(wire) {
				if _, n, err := ParseValue(wire[:i]); n != 0 || err != nil {
					t.Errorf("%s RESP%d: prefix of %d bytes gave n=%d err=%v", tc.name, proto, i, n, err)
				}
			}
			r := NewReplyReader(iotest.OneByteReader(bytes.NewReader(wire)))
			v, err = r.Read()
			if err != nil || !equal(v, want) {
				t.Errorf("%s RESP%d ReplyReader: %+v err=%v, want %+v", tc.name, proto, v, err, want)
			}
			if _, err := r.Read(); err != io.EOF {
				t.Errorf("%s RESP%d: after the reply got %v, want io.EOF", tc.name, proto, err)
			}
		}
	}
}

func TestReplyReaderStream(t *testing.T) {
	w := Writer{Proto: 3}
	for i := range 100 {
		w.Int(int64(i))
	}
	w.BulkString(strings.Repeat("x", 100000))  // longer than bufio's buffer
	w.SimpleString(strings.Repeat("y", 10000)) // a line longer than the buffer
	r := NewReplyReader(bytes.NewReader(w.B))
	for i := range 100 {
		if v, err := r.Read(); err != nil || v.Int != int64(i) {
			t.Fatalf("reply %d: %+v %v", i, v, err)
		}
	}
	if v, err := r.Read(); err != nil || len(v.Str) != 100000 {
		t.Fatalf("big bulk: %d bytes, %v", len(v.Str), err)
	}
	if v, err := r.Read(); err != nil || len(v.Str) != 10000 {
		t.Fatalf("long line: %d bytes, %v", len(v.Str), err)
	}
}

func TestReplyReaderTruncated(t *testing.T) {
	for _, in := range []string{"*2\r\n:1\r\n", "$5\r\nab", "+OK", "|1\r\n+a\r\n+b\r\n"} {
		_, err := NewReplyReader(strings.NewReader(in)).Read()
		if err != io.ErrUnexpectedEOF {
			t.Errorf("%q: got %v, want io.ErrUnexpectedEOF", in, err)
		}
	}
}

func TestParseValueAttributes(t *testing.T) {
	in := "*2\r\n|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n:2039123\r\n:9543892\r\n"
	v, n, err := ParseValue([]byte(in))
	if err != nil || n != len(in) {
		t.Fatalf("n=%d err=%v", n, err)
	}
	first := v.Elems[0]
	if first.Int != 2039123 || len(first.Attrs) != 2 || string(first.Attrs[0].Str) != "key-popularity" ||
		first.Attrs[1].Kind != KindMap || first.Attrs[1].Elems[1].Float != 0.1923 {
		t.Fatalf("attribute not attached to the first element: %+v", first)
	}
	if v.Elems[1].Attrs != nil {
		t.Fatalf("attribute leaked to the second element")
	}
}

func TestParseValueErrors(t *testing.T) {
	for _, in := range []string{
		"?x\r\n", "\r\n", ":abc\r\n", "$-2\r\n", "$x\r\n", "*-2\r\n", "%-1\r\n", "#x\r\n", "_x\r\n",
		",abc\r\n", "(12a\r\n", "=3\r\nabc\r\n", "$3\r\nabcXY", "+OK\rX\r\n", "+OK\n", "*?\r\n", "$?\r\n",
	} {
		if _, n, err := ParseValue([]byte(in)); err == nil {
			t.Errorf("%q: accepted (n=%d)", in, n)
		} else if _, ok := errors.AsType[*ProtocolError](err); !ok {
			t.Errorf("%q: error %T, want *ProtocolError", in, err)
		}
	}
}

func TestParseValueDepthLimit(t *testing.T) {
	deep := strings.Repeat("*1\r\n", MaxDepth+10) + ":1\r\n"
	if _, _, err := ParseValue([]byte(deep)); err != errDepth {
		t.Fatalf("got %v, want %v", err, errDepth)
	}
	if _, err := NewReplyReader(strings.NewReader(deep)).Read(); err != errDepth {
		t.Fatalf("ReplyReader: got %v, want %v", err, errDepth)
	}
	ok := strings.Repeat("*1\r\n", MaxDepth) + ":1\r\n"
	if _, n, err := ParseValue([]byte(ok)); err != nil || n != len(ok) {
		t.Fatalf("depth %d refused: %v", MaxDepth, err)
	}
}

// allocated returns the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Declared lengths are promises, not facts: a reader reserves memory only
// for what arrives (plus a small cap), so a few hostile bytes cannot make
// it allocate gigabytes.
func TestHostileLengthsDoNotPreallocate(t *testing.T) {
	for _, in := range []string{"*2147483647\r\n:1\r\n", "%1000000\r\n", "~99999999\r\n", "$536870912\r\nabc"} {
		n := allocated(func() {
			ParseValue([]byte(in))
			NewReplyReader(strings.NewReader(in)).Read()
		})
		if n > 1<<20 {
			t.Errorf("%q: allocated %d bytes", in, n)
		}
	}
}
