package main

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

func ints(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, ":%d\r\n", i)
	}
	return b.String()
}

// formatCases pairs reply bytes with what redis-cli 7 prints for them on a
// terminal (tty) and with --raw (raw, before the newline that ends every
// raw reply). TestFormatMatchesRedisCli checks these expectations against
// the real redis-cli.
var formatCases = []struct {
	name  string
	wire  string
	tty   string
	raw   string
	resp3 bool
	live  bool // redis-cli 7.0 can print it (it rejects big numbers, blob errors and attributes)
}{
	{"status", "+OK\r\n", "OK\n", "OK", false, true},
	{"error", "-ERR unknown command\r\n", "(error) ERR unknown command\n", "ERR unknown command\n", false, true},
	{"integer", ":42\r\n", "(integer) 42\n", "42", false, true},
	{"negative integer", ":-7\r\n", "(integer) -7\n", "-7", false, true},
	{"bulk", bulk("hello"), "\"hello\"\n", "hello", false, true},
	{"empty bulk", bulk(""), "\"\"\n", "", false, true},
	{"escaped bulk", bulk("a\"b\\c\r\n\t\a\b\x01\xff é"), `"a\"b\\c\r\n\t\a\b\x01\xff \xc3\xa9"` + "\n", "a\"b\\c\r\n\t\a\b\x01\xff é", false, true},
	{"nil bulk", "$-1\r\n", "(nil)\n", "", false, true},
	{"nil array", "*-1\r\n", "(nil)\n", "", false, true},
	{"empty array", "*0\r\n", "(empty array)\n", "", false, true},
	{"array", "*3\r\n" + bulk("a") + ":1\r\n$-1\r\n", "1) \"a\"\n2) (integer) 1\n3) (nil)\n", "a\n1\n", false, true},
	{"nested array", "*3\r\n:1\r\n*2\r\n:2\r\n*2\r\n:3\r\n" + bulk("x") + "*0\r\n",
		"1) (integer) 1\n2) 1) (integer) 2\n   2) 1) (integer) 3\n      2) \"x\"\n3) (empty array)\n",
		"1\n2\n3\nx\n", false, true},
	{"wide array", "*11\r\n" + ints(10) + "*2\r\n:1\r\n:2\r\n",
		" 1) (integer) 1\n 2) (integer) 2\n 3) (integer) 3\n 4) (integer) 4\n 5) (integer) 5\n" +
			" 6) (integer) 6\n 7) (integer) 7\n 8) (integer) 8\n 9) (integer) 9\n10) (integer) 10\n" +
			"11) 1) (integer) 1\n    2) (integer) 2\n",
		"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n1\n2", false, true},
	{"null", "_\r\n", "(nil)\n", "", true, true},
	{"double", ",1.5\r\n", "(double) 1.5\n", "1.5", true, true},
	{"double inf", ",-inf\r\n", "(double) -inf\n", "-inf", true, true},
	{"true", "#t\r\n", "(true)\n", "(true)", true, true},
	{"false", "#f\r\n", "(false)\n", "(false)", true, true},
	{"blob error", "!9\r\nERR bad x\r\n", "(error) ERR bad x\n", "ERR bad x\n", true, false},
	{"verbatim", "=20\r\ntxt:two\nlines \"here\"\r\n", "two\nlines \"here\"\n", "two\nlines \"here\"", true, true},
	{"big number", "(3492890328409238509324850943850943825024385\r\n",
		"(big number) 3492890328409238509324850943850943825024385\n",
		"3492890328409238509324850943850943825024385", true, false},
	{"map", "%2\r\n" + bulk("field") + bulk("value") + bulk("n") + ":1\r\n",
		"1# \"field\" => \"value\"\n2# \"n\" => (integer) 1\n", "field value\nn 1", true, true},
	{"empty map", "%0\r\n", "(empty hash)\n", "", true, true},
	{"map with multi-line value", "%2\r\n" + bulk("a") + "*2\r\n:1\r\n:2\r\n" + bulk("b") + "*0\r\n",
		"1# \"a\" => \n   1) (integer) 1\n   2) (integer) 2\n2# \"b\" => (empty array)\n", "a 1\n2\nb ", true, true},
	{"map with one-element value", "%1\r\n" + bulk("a") + "*1\r\n" + bulk("x"),
		"1# \"a\" => 1) \"x\"\n", "a x", true, true},
	{"map in map", "%1\r\n" + bulk("a") + "%1\r\n" + bulk("x") + ":1\r\n",
		"1# \"a\" => 1# \"x\" => (integer) 1\n", "a x 1", true, true},
	{"set", "~2\r\n" + bulk("x") + bulk("y"), "1~ \"x\"\n2~ \"y\"\n", "x\ny", true, true},
	{"empty set", "~0\r\n", "(empty set)\n", "", true, true},
	{"array of maps", "*2\r\n%1\r\n" + bulk("k") + bulk("v") + "~1\r\n:1\r\n",
		"1) 1# \"k\" => \"v\"\n2) 1~ (integer) 1\n", "k v\n1", true, true},
	{"push", ">3\r\n" + bulk("message") + bulk("ch") + bulk("hi"),
		"1) \"message\"\n2) \"ch\"\n3) \"hi\"\n", "message\nch\nhi", true, true},
	{"attribute is skipped", "|1\r\n" + bulk("ttl") + ":3\r\n:5\r\n", "(integer) 5\n", "5", true, false},
}

func parse(t *testing.T, wire string) resp.Value {
	t.Helper()
	v, err := resp.NewReplyReader(strings.NewReader(wire)).Read()
	if err != nil {
		t.Fatalf("parse %q: %v", wire, err)
	}
	return v
}

func TestFormatTTY(t *testing.T) {
	for _, tc := range formatCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatTTY(parse(t, tc.wire)); got != tc.tty {
				t.Errorf("formatTTY(%q)\n got %q\nwant %q", tc.wire, got, tc.tty)
			}
		})
	}
}

func TestFormatRaw(t *testing.T) {
	for _, tc := range formatCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatRaw(parse(t, tc.wire)); got != tc.raw {
				t.Errorf("formatRaw(%q)\n got %q\nwant %q", tc.wire, got, tc.raw)
			}
		})
	}
}

func TestFormatInvalidate(t *testing.T) {
	v := parse(t, ">2\r\n"+bulk("invalidate")+"*2\r\n"+bulk("k1")+bulk("k2"))
	if !isInvalidate(v) {
		t.Fatal("not recognised as an invalidation")
	}
	if got, want := formatInvalidate(v), "-> invalidate: 'k1', 'k2'\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if isInvalidate(parse(t, ">2\r\n"+bulk("message")+"*0\r\n")) {
		t.Error("a message push taken for an invalidation")
	}
}

// TestFormatMatchesRedisCli serves each reply from a fake server to the
// real redis-cli and checks that it prints the expected text, so the
// table above is redis-cli's behaviour, not this client's idea of it.
func TestFormatMatchesRedisCli(t *testing.T) {
	cliPath, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not on PATH: expectations not cross-checked against the real redis-cli")
	}
	for _, tc := range formatCases {
		if !tc.live {
			continue
		}
		wire, tty, raw := tc.wire, tc.tty, tc.raw+"\n"
		if tc.wire[0] == '>' {
			// redis-cli prints a push as it arrives and then waits for the
			// reply proper, so the fake server sends one.
			wire += "+OK\r\n"
			tty += "OK\n"
			raw += "OK\n"
		}
		addr := fakeServer(t, wire)
		_, port, _ := net.SplitHostPort(addr)
		for _, mode := range []struct{ flag, want string }{{"--no-raw", tty}, {"--raw", raw}} {
			t.Run(tc.name+mode.flag, func(t *testing.T) {
				args := []string{"-p", port, mode.flag, "--show-pushes", "yes"}
				if tc.resp3 {
					args = append(args, "-3")
				}
				out, err := exec.Command(cliPath, append(args, "PING")...).Output()
				if err != nil {
					t.Fatalf("redis-cli: %v", err)
				}
				if string(out) != mode.want {
					t.Errorf("redis-cli %s printed\n%q\nthe table expects\n%q", mode.flag, out, mode.want)
				}
			})
		}
	}
}

// fakeServer answers HELLO with a small map and every other command with
// wire, on a free 127.0.0.1 port.
func fakeServer(t *testing.T, wire string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer nc.Close()
				rd := resp.NewReplyReader(bufio.NewReader(nc))
				for {
					req, err := rd.Read()
					if err != nil || len(req.Elems) == 0 {
						return
					}
					out := wire
					if strings.EqualFold(string(req.Elems[0].Str), "hello") {
						out = "%1\r\n" + bulk("proto") + ":3\r\n"
					}
					if _, err := nc.Write([]byte(out)); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}
