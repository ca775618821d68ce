package resp

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// within reports whether a lies inside buf's memory: arguments must be
// views of the input, never copies.
func within(a, buf []byte) bool {
	if len(a) == 0 {
		return true
	}
	s := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
	return p >= s && p+uintptr(len(a)) <= s+uintptr(len(buf))
}

type parsed struct {
	cmds [][]string
	err  string
}

// feed parses data delivered in chunks of the given sizes, checking the
// Parse contract on every call.
func feed(t *testing.T, data []byte, unauth bool, chunk int) parsed {
	var p Parser
	p.Unauthenticated = unauth
	var out parsed
	var buf []byte
	argv := make([][]byte, 0, 4)
	for off := 0; off < len(data) || len(buf) > 0; {
		if off < len(data) {
			end := min(off+chunk, len(data))
			buf = append(buf[:len(buf):len(buf)], data[off:end]...)
			off = end
		}
		for len(buf) > 0 {
			view := buf[:len(buf):len(buf)] // reading past the data would panic
			args, n, err := p.Parse(view, argv[:0])
			if n < 0 || n > len(view) {
				t.Fatalf("n = %d outside [0, %d]", n, len(view))
			}
			if err != nil {
				out.err = err.Error()
				if n != 0 {
					t.Fatalf("error with n = %d", n)
				}
				return out
			}
			if n == 0 {
				if len(args) != 0 {
					t.Fatalf("incomplete frame returned %d args", len(args))
				}
				// Bounded memory: nothing is reserved from a declared count.
				if cap(p.offs) > 2*len(data)+16 {
					t.Fatalf("offsets capacity %d for %d input bytes", cap(p.offs), len(data))
				}
				break
			}
			quoted := view[0] != '*' && bytes.ContainsAny(view[:n], "\"'")
			for _, a := range args {
				if !quoted && !within(a, view[:n]) {
					t.Fatalf("argument %q is not inside the frame", a)
				}
			}
			out.cmds = append(out.cmds, strs(args))
			argv = args
			buf = buf[n:]
		}
		if off >= len(data) {
			break
		}
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add([]byte(tc.in), false)
	}
	for _, tc := range errorCases {
		if len(tc.in) < 100 {
			f.Add([]byte(tc.in), tc.unauth)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, unauth bool) {
		whole := feed(t, data, unauth, len(data)+1)
		// The same bytes arriving in pieces give the same commands and the
		// same error: state carried between calls changes nothing.
		for _, chunk := range []int{1, 7} {
			got := feed(t, data, unauth, chunk)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", whole) {
				t.Fatalf("chunks of %d: %q, whole: %q", chunk, got, whole)
			}
		}
	})
}

func FuzzParseValue(f *testing.F) {
	for _, tc := range writeCases {
		for _, proto := range []int{2, 3} {
			w := Writer{Proto: proto}
			tc.write(&w)
			f.Add(w.B)
		}
	}
	f.Add([]byte("*2\r\n|1\r\n+a\r\n:1\r\n:2\r\n:3\r\n"))
	f.Add([]byte("*1000000\r\n:1\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, n, err := ParseValue(data)
		if n < 0 || n > len(data) || (err != nil && n != 0) {
			t.Fatalf("n = %d, err = %v for %d bytes", n, err, len(data))
		}
		if err != nil || n == 0 {
			return
		}
		// The stream reader agrees with the slice parser.
		rv, rerr := NewReplyReader(bytes.NewReader(data[:n])).Read()
		if rerr != nil || !equal(v, rv) {
			t.Fatalf("ParseValue %+v, ReplyReader %+v (%v)", v, rv, rerr)
		}
		// Every shorter prefix is incomplete or an error, never another value.
		if _, m, _ := ParseValue(data[:n-1]); m != 0 {
			t.Fatalf("prefix of %d bytes parsed as a value of %d", n-1, m)
		}
	})
}

// quote writes s in double quotes with every byte escaped as sdscatrepr
// would, so that SplitArgs must give s back.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c < ' ' || c > '~' {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func FuzzSplitArgs(f *testing.F) {
	for _, s := range []string{`set "a b" 'c\'d'`, `"\x00\xff"`, `a"b c"`, `"abc`, "a\vb\x00c", `""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := SplitArgs(line)
		if err != nil {
			return
		}
		quoted := make([]string, len(args))
		for i, a := range args {
			if len(a) > len(line) {
				t.Fatalf("argument %q longer than the line", a)
			}
			quoted[i] = quote(a)
		}
		again, err := SplitArgs(strings.Join(quoted, " "))
		if err != nil || fmt.Sprintf("%q", again) != fmt.Sprintf("%q", args) {
			t.Fatalf("requoted %q: %q, %v", args, again, err)
		}
	})
}
