package resp

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// parseAll cuts every complete command out of input, the way a server's
// read loop does, and returns them as strings (nil for an empty command)
// with the first protocol error.
func parseAll(p *Parser, input []byte) (cmds [][]string, rest []byte, err error) {
	buf := bytes.Clone(input)
	for len(buf) > 0 {
		args, n, err := p.Parse(buf, nil)
		if err != nil {
			return cmds, buf, err
		}
		if n == 0 {
			break
		}
		cmds = append(cmds, strs(args))
		buf = buf[n:]
	}
	return cmds, buf, nil
}

func strs(args [][]byte) []string {
	if len(args) == 0 {
		return nil
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

var parseCases = []struct {
	name string
	in   string
	want [][]string
}{
	{"multibulk", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n", [][]string{{"SET", "k", "hello"}}},
	{"empty bulk", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", [][]string{{"ECHO", ""}}},
	{"binary bulk", "*2\r\n$4\r\nECHO\r\n$4\r\na\r\n\x00\r\n", [][]string{{"ECHO", "a\r\n\x00"}}},
	{"star zero is empty", "*0\r\n", [][]string{nil}},
	{"star minus one is empty", "*-1\r\n", [][]string{nil}},
	{"star minus five is empty", "*-5\r\n", [][]string{nil}},
	{"inline", "SET k v\r\n", [][]string{{"SET", "k", "v"}}},
	{"inline LF only", "PING\n", [][]string{{"PING"}}},
	{"inline blank lines", "\r\n\n", [][]string{nil, nil}},
	{"inline spaces only", "   \t \r\n", [][]string{nil}},
	{"inline quotes", "SET \"a b\" 'c\\'d' \"\\x41\\n\"\r\n", [][]string{{"SET", "a b", "c'd", "A\n"}}},
	{"inline bare CR separates", "A\rB\n", [][]string{{"A", "B"}}},
	// Redis never checks the byte after a line's CR, nor the two after a bulk.
	{"byte after CR unchecked", "*1\rX$4\r\nPINGxy", [][]string{{"PING"}}},
	{"mixed pipeline", "*1\r\n$4\r\nPING\r\nPING\r\n*0\r\n\r\n*2\r\n$4\r\nECHO\r\n$1\r\nx\r\n",
		[][]string{{"PING"}, {"PING"}, nil, nil, {"ECHO", "x"}}},
	{"ten args before auth", "*10\r\n" + strings.Repeat("$1\r\na\r\n", 10), [][]string{strings.Split("aaaaaaaaaa", "")}},
}

func TestParseCommands(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			p := &Parser{Unauthenticated: true}
			got, rest, err := parseAll(p, []byte(tc.in))
			if err != nil || len(rest) != 0 {
				t.Fatalf("err %v, %d bytes left", err, len(rest))
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// Feeding one byte at a time, into a buffer that is reallocated on every
// call, must give the same commands: the parser keeps offsets, not
// pointers, and never reads past what arrived.
func TestParseByteAtATime(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			var p Parser
			var got [][]string
			var buf []byte
			for i := 0; i < len(tc.in); i++ {
				buf = append(bytes.Clone(buf), tc.in[i]) // a fresh array each time
				for len(buf) > 0 {
					args, n, err := p.Parse(buf, nil)
					if err != nil {
						t.Fatalf("at byte %d: %v", i, err)
					}
					if n == 0 {
						break
					}
					if n > len(buf) {
						t.Fatalf("n %d > len %d", n, len(buf))
					}
					got = append(got, strs(args))
					buf = buf[n:]
				}
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParsePipelineOf100(t *testing.T) {
	var in []byte
	for i := range 100 {
		if i%2 == 0 {
			in = AppendCommand(in, []byte("SET"), fmt.Appendf(nil, "key:%d", i), []byte("value"))
		} else {
			in = fmt.Appendf(in, "GET key:%d\r\n", i)
		}
	}
	var p Parser
	got, rest, err := parseAll(&p, in)
	if err != nil || len(rest) != 0 || len(got) != 100 {
		t.Fatalf("got %d commands, err %v, %d bytes left", len(got), err, len(rest))
	}
	for i, c := range got {
		want := []string{"GET", fmt.Sprintf("key:%d", i)}
		if i%2 == 0 {
			want = []string{"SET", fmt.Sprintf("key:%d", i), "value"}
		}
		if fmt.Sprint(c) != fmt.Sprint(want) {
			t.Fatalf("command %d = %q, want %q", i, c, want)
		}
	}
}

// Every prefix of a valid frame is "incomplete", never an error or a
// partial command.
func TestParsePrefixesAreIncomplete(t *testing.T) {
	frame := []byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n")
	for i := range len(frame) {
		var p Parser
		args, n, err := p.Parse(bytes.Clone(frame[:i]), nil)
		if n != 0 || err != nil || len(args) != 0 {
			t.Fatalf("prefix %q: n=%d err=%v args=%q", frame[:i], n, err, args)
		}
	}
}

var errorCases = []struct {
	name   string
	in     string
	unauth bool
	max    int64
	want   string
}{
	{"count not a number", "*x\r\n", false, 0, "Protocol error: invalid multibulk length"},
	{"count empty", "*\r\n", false, 0, "Protocol error: invalid multibulk length"},
	{"count leading zero", "*01\r\n", false, 0, "Protocol error: invalid multibulk length"},
	{"count plus sign", "*+1\r\n", false, 0, "Protocol error: invalid multibulk length"},
	{"count minus zero", "*-0\r\n", false, 0, "Protocol error: invalid multibulk length"},
	{"count over INT_MAX", "*2147483648\r\n", false, 0, "Protocol error: invalid multibulk length"},
	{"count overflows int64", "*99999999999999999999\r\n", false, 0, "Protocol error: invalid multibulk length"},
	{"count over 10 before auth", "*11\r\n", true, 0, "Protocol error: unauthenticated multibulk length"},
	{"invalid count wins over auth", "*2147483648\r\n", true, 0, "Protocol error: invalid multibulk length"},
	{"expected dollar", "*1\r\nX\r\n", false, 0, "Protocol error: expected '$', got 'X'"},
	{"expected dollar got CR", "*1\r\n\r\n", false, 0, "Protocol error: expected '$', got ' '"},
	{"expected dollar high byte", "*1\r\n\xff\r\n", false, 0, "Protocol error: expected '$', got '\xff'"},
	{"bulk negative", "*1\r\n$-1\r\n", false, 0, "Protocol error: invalid bulk length"},
	{"bulk not a number", "*1\r\n$abc\r\n", false, 0, "Protocol error: invalid bulk length"},
	{"bulk empty", "*1\r\n$\r\n", false, 0, "Protocol error: invalid bulk length"},
	{"bulk over proto-max-bulk-len", "*1\r\n$536870913\r\n", false, 0, "Protocol error: invalid bulk length"},
	{"bulk over custom max", "*1\r\n$11\r\n", false, 10, "Protocol error: invalid bulk length"},
	{"bulk over 16384 before auth", "*1\r\n$16385\r\n", true, 0, "Protocol error: unauthenticated bulk length"},
	{"second bulk bad", "*2\r\n$4\r\nECHO\r\n:1\r\n", false, 0, "Protocol error: expected '$', got ':'"},
	{"count line too long", "*1" + strings.Repeat("1", MaxInline), false, 0, "Protocol error: too big mbulk count string"},
	{"NUL blocks count line", "*1\x00\r\n" + strings.Repeat("a", MaxInline), false, 0, "Protocol error: too big mbulk count string"},
	{"bulk line too long", "*1\r\n$" + strings.Repeat("1", MaxInline), false, 0, "Protocol error: too big bulk count string"},
	{"inline too long", strings.Repeat("a", MaxInline+1), false, 0, "Protocol error: too big inline request"},
	{"NUL blocks inline", "PING\x00\r\n" + strings.Repeat("a", MaxInline), false, 0, "Protocol error: too big inline request"},
	{"unbalanced double quote", "SET \"a\r\n", false, 0, "Protocol error: unbalanced quotes in request"},
	{"unbalanced single quote", "SET 'a\r\n", false, 0, "Protocol error: unbalanced quotes in request"},
	{"closing quote then letter", "\"a\"b\r\n", false, 0, "Protocol error: unbalanced quotes in request"},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			p := &Parser{Unauthenticated: tc.unauth, MaxBulkLen: tc.max}
			_, _, err := parseAll(p, []byte(tc.in))
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Msg != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// Limits are "greater than": exactly at the limit is still fine.
func TestParseLimitsAreInclusive(t *testing.T) {
	p := &Parser{Unauthenticated: true}
	in := "*1\r\n$16384\r\n" + strings.Repeat("v", 16384) + "\r\n"
	got, _, err := parseAll(p, []byte(in))
	if err != nil || len(got) != 1 || len(got[0][0]) != 16384 {
		t.Fatalf("16384-byte bulk before auth: err %v", err)
	}
	// A 64 KiB line without its end is still waited for.
	p = &Parser{}
	args, n, err := p.Parse([]byte(strings.Repeat("a", MaxInline)), nil)
	if n != 0 || err != nil || args != nil {
		t.Fatalf("64 KiB partial inline: n=%d err=%v", n, err)
	}
}

func TestParseNeed(t *testing.T) {
	var p Parser
	buf := []byte("*2\r\n$3\r\nSET\r\n$100000\r\nabc")
	if _, n, err := p.Parse(buf, nil); n != 0 || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if got, want := p.Need(), 100000+2-3; got != want {
		t.Fatalf("Need() = %d, want %d", got, want)
	}
	p.Reset()
	if _, n, _ := p.Parse([]byte("*2\r\n$3"), nil); n != 0 || p.Need() != 0 {
		t.Fatalf("Need() before the bulk length is known = %d, want 0", p.Need())
	}
}

// A line trickling in is searched once: the parser remembers how far it
// looked instead of starting over at every read.
func TestParseResumesLineSearch(t *testing.T) {
	var p Parser
	buf := []byte("PING")
	for i := range 1000 {
		buf = append(buf, 'x')
		if _, n, _ := p.Parse(buf, nil); n != 0 {
			t.Fatal("incomplete line parsed")
		}
		if p.scan != len(buf) {
			t.Fatalf("after %d bytes the search stopped at %d", len(buf), p.scan)
		}
		_ = i
	}
}

// The steady state of a connection, a pipeline of SET and GET parsed into
// a reused argv, allocates nothing.
func TestParseAllocatesNothing(t *testing.T) {
	var in []byte
	for range 10 {
		in = AppendCommand(in, []byte("SET"), []byte("key"), []byte("value"))
		in = AppendCommand(in, []byte("GET"), []byte("key"))
		in = append(in, "GET key\r\n"...)
	}
	var p Parser
	argv := make([][]byte, 0, 8)
	allocs := testing.AllocsPerRun(100, func() {
		buf := in
		for len(buf) > 0 {
			args, n, err := p.Parse(buf, argv[:0])
			if err != nil || n == 0 {
				panic("bad frame")
			}
			argv = args
			buf = buf[n:]
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per pipeline, want 0", allocs)
	}
}

// A huge declared count with little data behind it must not reserve
// memory for the count.
func TestParseDeclaredCountDoesNotAllocate(t *testing.T) {
	var p Parser
	in := []byte("*2147483647\r\n$1\r\na\r\n$1\r\nb\r\n")
	allocs := testing.AllocsPerRun(10, func() {
		p.Reset()
		if _, n, err := p.Parse(in, nil); n != 0 || err != nil {
			panic("expected incomplete")
		}
	})
	if allocs > 1 || cap(p.offs) > 64 {
		t.Fatalf("allocs %v, offsets capacity %d", allocs, cap(p.offs))
	}
}
