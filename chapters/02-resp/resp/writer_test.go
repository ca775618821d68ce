package resp

import (
	"math"
	"testing"
)

// writeCases is every Writer method with the exact bytes Redis 7.0 sends
// in each protocol. The RESP3 bytes were checked against redis-server
// (HELLO 3 then GET, HGETALL, SMEMBERS, ZSCORE); see oracle_test.go.
var writeCases = []struct {
	name   string
	write  func(w *Writer)
	resp2  string
	resp3  string
	value2 Value // what a reader makes of the RESP2 bytes
	value3 Value
}{
	{"simple", func(w *Writer) { w.SimpleString("OK") }, "+OK\r\n", "+OK\r\n",
		Value{Kind: KindSimple, Str: []byte("OK")}, Value{Kind: KindSimple, Str: []byte("OK")}},
	{"error", func(w *Writer) { w.Error("ERR syntax error") }, "-ERR syntax error\r\n", "-ERR syntax error\r\n",
		Value{Kind: KindError, Str: []byte("ERR syntax error")}, Value{Kind: KindError, Str: []byte("ERR syntax error")}},
	{"error newlines", func(w *Writer) { w.Error("ERR unknown command 'fo\r\no'\r\n") },
		"-ERR unknown command 'fo  o'\r\n", "-ERR unknown command 'fo  o'\r\n",
		Value{Kind: KindError, Str: []byte("ERR unknown command 'fo  o'")}, Value{Kind: KindError, Str: []byte("ERR unknown command 'fo  o'")}},
	{"error leading dash", func(w *Writer) { w.Error("-NOAUTH Authentication required.") },
		"-NOAUTH Authentication required.\r\n", "-NOAUTH Authentication required.\r\n",
		Value{Kind: KindError, Str: []byte("NOAUTH Authentication required.")}, Value{Kind: KindError, Str: []byte("NOAUTH Authentication required.")}},
	{"int", func(w *Writer) { w.Int(-42) }, ":-42\r\n", ":-42\r\n",
		Value{Kind: KindInt, Int: -42}, Value{Kind: KindInt, Int: -42}},
	{"int min", func(w *Writer) { w.Int(math.MinInt64) }, ":-9223372036854775808\r\n", ":-9223372036854775808\r\n",
		Value{Kind: KindInt, Int: math.MinInt64}, Value{Kind: KindInt, Int: math.MinInt64}},
	{"bulk", func(w *Writer) { w.Bulk([]byte("a\r\nb")) }, "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n",
		Value{Kind: KindBulk, Str: []byte("a\r\nb")}, Value{Kind: KindBulk, Str: []byte("a\r\nb")}},
	{"bulk empty", func(w *Writer) { w.Bulk(nil) }, "$0\r\n\r\n", "$0\r\n\r\n",
		Value{Kind: KindBulk, Str: []byte{}}, Value{Kind: KindBulk, Str: []byte{}}},
	{"bulk string", func(w *Writer) { w.BulkString("héllo") }, "$6\r\nhéllo\r\n", "$6\r\nhéllo\r\n",
		Value{Kind: KindBulk, Str: []byte("héllo")}, Value{Kind: KindBulk, Str: []byte("héllo")}},
	{"null", func(w *Writer) { w.Null() }, "$-1\r\n", "_\r\n",
		Value{Kind: KindBulk, Null: true}, Value{Kind: KindNull, Null: true}},
	{"null array", func(w *Writer) { w.NullArray() }, "*-1\r\n", "_\r\n",
		Value{Kind: KindArray, Null: true}, Value{Kind: KindNull, Null: true}},
	{"double", func(w *Writer) { w.Double(1.1) }, "$18\r\n1.1000000000000001\r\n", ",1.1000000000000001\r\n",
		Value{Kind: KindBulk, Str: []byte("1.1000000000000001")}, Value{Kind: KindDouble, Str: []byte("1.1000000000000001"), Float: 1.1}},
	{"double integral", func(w *Writer) { w.Double(3) }, "$1\r\n3\r\n", ",3\r\n",
		Value{Kind: KindBulk, Str: []byte("3")}, Value{Kind: KindDouble, Str: []byte("3"), Float: 3}},
	{"double exponent", func(w *Writer) { w.Double(1e17) }, "$5\r\n1e+17\r\n", ",1e+17\r\n",
		Value{Kind: KindBulk, Str: []byte("1e+17")}, Value{Kind: KindDouble, Str: []byte("1e+17"), Float: 1e17}},
	{"double inf", func(w *Writer) { w.Double(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n",
		Value{Kind: KindBulk, Str: []byte("inf")}, Value{Kind: KindDouble, Str: []byte("inf"), Float: math.Inf(1)}},
	{"double -inf", func(w *Writer) { w.Double(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n",
		Value{Kind: KindBulk, Str: []byte("-inf")}, Value{Kind: KindDouble, Str: []byte("-inf"), Float: math.Inf(-1)}},
	{"double nan", func(w *Writer) { w.Double(math.NaN()) }, "$3\r\nnan\r\n", ",nan\r\n",
		Value{Kind: KindBulk, Str: []byte("nan")}, Value{Kind: KindDouble, Str: []byte("nan"), Float: math.NaN()}},
	{"bool true", func(w *Writer) { w.Bool(true) }, ":1\r\n", "#t\r\n",
		Value{Kind: KindInt, Int: 1}, Value{Kind: KindBool, Bool: true}},
	{"bool false", func(w *Writer) { w.Bool(false) }, ":0\r\n", "#f\r\n",
		Value{Kind: KindInt, Int: 0}, Value{Kind: KindBool}},
	{"big number", func(w *Writer) { w.BigNumber("3492890328409238509324850943850943825024385") },
		"$43\r\n3492890328409238509324850943850943825024385\r\n", "(3492890328409238509324850943850943825024385\r\n",
		Value{Kind: KindBulk, Str: []byte("3492890328409238509324850943850943825024385")},
		Value{Kind: KindBigNumber, Str: []byte("3492890328409238509324850943850943825024385")}},
	{"verbatim", func(w *Writer) { w.Verbatim("txt", "Some string") }, "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n",
		Value{Kind: KindBulk, Str: []byte("Some string")}, Value{Kind: KindVerbatim, Format: "txt", Str: []byte("Some string")}},
	{"blob error", func(w *Writer) { w.BlobError("SYNTAX invalid\r\nsyntax") }, "-SYNTAX invalid  syntax\r\n", "!22\r\nSYNTAX invalid\r\nsyntax\r\n",
		Value{Kind: KindError, Str: []byte("SYNTAX invalid  syntax")}, Value{Kind: KindBlobError, Str: []byte("SYNTAX invalid\r\nsyntax")}},
	{"array", func(w *Writer) { w.Array(2); w.Int(1); w.BulkString("a") }, "*2\r\n:1\r\n$1\r\na\r\n", "*2\r\n:1\r\n$1\r\na\r\n",
		Value{Kind: KindArray, Elems: []Value{{Kind: KindInt, Int: 1}, {Kind: KindBulk, Str: []byte("a")}}},
		Value{Kind: KindArray, Elems: []Value{{Kind: KindInt, Int: 1}, {Kind: KindBulk, Str: []byte("a")}}}},
	{"empty array", func(w *Writer) { w.Array(0) }, "*0\r\n", "*0\r\n",
		Value{Kind: KindArray, Elems: []Value{}}, Value{Kind: KindArray, Elems: []Value{}}},
	{"map", func(w *Writer) { w.Map(1); w.BulkString("f"); w.BulkString("v") }, "*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "%1\r\n$1\r\nf\r\n$1\r\nv\r\n",
		Value{Kind: KindArray, Elems: []Value{{Kind: KindBulk, Str: []byte("f")}, {Kind: KindBulk, Str: []byte("v")}}},
		Value{Kind: KindMap, Elems: []Value{{Kind: KindBulk, Str: []byte("f")}, {Kind: KindBulk, Str: []byte("v")}}}},
	{"set", func(w *Writer) { w.Set(1); w.BulkString("a") }, "*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n",
		Value{Kind: KindArray, Elems: []Value{{Kind: KindBulk, Str: []byte("a")}}},
		Value{Kind: KindSet, Elems: []Value{{Kind: KindBulk, Str: []byte("a")}}}},
	{"push", func(w *Writer) { w.Push(2); w.BulkString("message"); w.Null() }, "*2\r\n$7\r\nmessage\r\n$-1\r\n", ">2\r\n$7\r\nmessage\r\n_\r\n",
		Value{Kind: KindArray, Elems: []Value{{Kind: KindBulk, Str: []byte("message")}, {Kind: KindBulk, Null: true}}},
		Value{Kind: KindPush, Elems: []Value{{Kind: KindBulk, Str: []byte("message")}, {Kind: KindNull, Null: true}}}},
	{"attribute", func(w *Writer) {
		if w.Attribute(1) {
			w.SimpleString("ttl")
			w.Int(3600)
		}
		w.BulkString("v")
	}, "$1\r\nv\r\n", "|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n",
		Value{Kind: KindBulk, Str: []byte("v")},
		Value{Kind: KindBulk, Str: []byte("v"), Attrs: []Value{{Kind: KindSimple, Str: []byte("ttl")}, {Kind: KindInt, Int: 3600}}}},
	{"nested", func(w *Writer) {
		w.Map(1)
		w.BulkString("k")
		w.Array(2)
		w.Set(0)
		w.Double(-1.5)
	}, "*2\r\n$1\r\nk\r\n*2\r\n*0\r\n$4\r\n-1.5\r\n", "%1\r\n$1\r\nk\r\n*2\r\n~0\r\n,-1.5\r\n",
		Value{Kind: KindArray, Elems: []Value{{Kind: KindBulk, Str: []byte("k")}, {Kind: KindArray, Elems: []Value{
			{Kind: KindArray, Elems: []Value{}}, {Kind: KindBulk, Str: []byte("-1.5")}}}}},
		Value{Kind: KindMap, Elems: []Value{{Kind: KindBulk, Str: []byte("k")}, {Kind: KindArray, Elems: []Value{
			{Kind: KindSet, Elems: []Value{}}, {Kind: KindDouble, Str: []byte("-1.5"), Float: -1.5}}}}}},
	{"raw", func(w *Writer) { w.Raw([]byte("+PONG\r\n")) }, "+PONG\r\n", "+PONG\r\n",
		Value{Kind: KindSimple, Str: []byte("PONG")}, Value{Kind: KindSimple, Str: []byte("PONG")}},
}

func TestWriterBytes(t *testing.T) {
	for _, tc := range writeCases {
		for _, proto := range []int{0, 2, 3} {
			want := tc.resp2
			if proto == 3 {
				want = tc.resp3
			}
			w := Writer{Proto: proto}
			tc.write(&w)
			if string(w.B) != want {
				t.Errorf("%s RESP%d: got %q, want %q", tc.name, proto, w.B, want)
			}
		}
	}
}

// Doubles as glibc's "%.17g" prints them; the values were read from
// redis-server 7.0.15's ZSCORE (see TestOracleDoubles for the live check).
func TestDoubleFormat(t *testing.T) {
	cases := map[float64]string{
		1.1: "1.1000000000000001", 0.1: "0.10000000000000001", 0.3: "0.29999999999999999",
		1e100: "1e+100", 1e17: "1e+17", 1e16: "10000000000000000", 123456: "123456",
		1e-5: "1.0000000000000001e-05", 0.0001: "0.0001", 3: "3", -1.5: "-1.5", 0: "0",
		5e-324: "4.9406564584124654e-324", math.MaxFloat64: "1.7976931348623157e+308",
		12345678901234567890: "1.2345678901234567e+19", math.Copysign(0, -1): "-0",
	}
	for f, want := range cases {
		if got := string(AppendDouble(nil, f)); got != want {
			t.Errorf("%v: got %q, want %q", f, got, want)
		}
	}
}

func TestAppendCommand(t *testing.T) {
	got := AppendCommand([]byte("x"), []byte("SET"), []byte("k"), []byte{})
	if want := "x*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"; string(got) != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	var p Parser
	args, n, err := p.Parse(got[1:], nil)
	if err != nil || n != len(got)-1 || len(args) != 3 {
		t.Fatalf("the parser does not read it back: %q %d %v", args, n, err)
	}
}

// A command built word by word from strings and bytes (as the AOF
// rewrite builds SET and PEXPIREAT) is the same bytes AppendCommand
// writes, and a bulk reply is the same encoding.
func TestAppendBulkBuildsCommands(t *testing.T) {
	key, val := "k\r\n", []byte("binary\x00value")
	got := AppendArrayHeader(nil, 3)
	got = AppendBulk(got, "SET")
	got = AppendBulk(got, key)
	got = AppendBulk(got, val)
	if want := AppendCommand(nil, []byte("SET"), []byte(key), val); string(got) != string(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	var w Writer
	w.BulkString(key)
	w.Bulk(val)
	if want := string(AppendBulk(AppendBulk(nil, key), val)); string(w.B) != want {
		t.Fatalf("replies %q, want %q", w.B, want)
	}
	if allocs := testing.AllocsPerRun(100, func() {
		got = AppendBulk(AppendBulk(AppendArrayHeader(got[:0], 2), key), val)
	}); allocs != 0 {
		t.Fatalf("%v allocations into a buffer with room", allocs)
	}
}

// Writing a typical reply into a reused buffer allocates nothing.
func TestWriterAllocatesNothing(t *testing.T) {
	for _, proto := range []int{2, 3} {
		w := Writer{Proto: proto, B: make([]byte, 0, 4096)}
		allocs := testing.AllocsPerRun(100, func() {
			w.B = w.B[:0]
			for _, tc := range writeCases {
				tc.write(&w)
			}
		})
		if allocs != 0 {
			t.Errorf("RESP%d: %v allocations, want 0", proto, allocs)
		}
	}
}

// TestAppendD2String pins Redis 7.0's d2string (the values are what
// redis-server stores in a sorted set's listpack).
func TestAppendD2String(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{{1, "1"}, {-3, "-3"}, {1.5, "1.5"}, {0.1, "0.10000000000000001"}, {1e20, "1e+20"}, {1e17, "100000000000000000"}, {1 << 62, "4611686018427387904"},
		{math.Nextafter(1<<62, math.Inf(1)), "4.6116860184273889e+18"}, {1000000000000000.5, "1000000000000000.5"},
		{4503599627370496, "4503599627370496"}, {0, "0"}, {math.Copysign(0, -1), "-0"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {-(1 << 62), "-4611686018427387904"}, {3.14159, "3.1415899999999999"}, {1e-7, "9.9999999999999995e-08"}} {
		if got := string(AppendD2String(nil, tt.f)); got != tt.want {
			t.Errorf("%v: %s, want %s", tt.f, got, tt.want)
		}
	}
}
