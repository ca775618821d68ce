package resp

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The tests in this file run the same bytes through the parser and through
// a real redis-server 7 and demand identical reply bytes. They skip when
// redis-server is not installed (apt-get install redis-server).

const oraclePass = "pw"

// startRedis runs a throwaway redis-server on a Unix socket (no TCP port,
// no persistence) with a password, so both the limits before AUTH and the
// normal ones can be exercised. It returns the socket path.
func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not on PATH: install redis-server to compare with real Redis")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "redis.sock")
	cmd := exec.Command(bin, "--port", "0", "--unixsocket", sock, "--save", "", "--appendonly", "no",
		"--requirepass", oraclePass, "--dir", dir, "--daemonize", "no", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
			return sock
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not listen on %s: %v", sock, err)
		}
		time.Sleep(10 * time.Millisecond) // poll interval, bounded by the deadline
	}
}

// exchange sends in on a new connection and reads until want's length is
// reached or the server closes (or 5 s pass).
func exchange(t *testing.T, sock string, in []byte, want int, toEOF bool) []byte {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(in); err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 4096)
	for toEOF || len(got) < want {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			if err != io.EOF {
				got = fmt.Appendf(got, "<%v>", err)
			}
			break
		}
	}
	return got
}

// simulate is what a server built on Parser and Writer answers to in,
// for the few commands the oracle inputs use. closed reports a protocol
// error, after which Redis closes the connection.
func simulate(in []byte, unauth bool) (reply []byte, closed bool) {
	p := Parser{Unauthenticated: unauth}
	w := Writer{}
	buf := bytes.Clone(in)
	for len(buf) > 0 {
		args, n, err := p.Parse(buf, nil)
		if err != nil {
			w.Error("ERR " + err.Error())
			return w.B, true
		}
		if n == 0 {
			break
		}
		buf = buf[n:]
		if len(args) == 0 {
			continue
		}
		switch strings.ToUpper(string(args[0])) {
		case "AUTH":
			w.SimpleString("OK")
			p.Unauthenticated = false
		case "PING":
			w.SimpleString("PONG")
		case "ECHO":
			w.Bulk(args[1])
		default:
			w.Error("ERR test: unexpected command " + string(args[0]))
		}
	}
	return w.B, false
}

func TestOracleRequests(t *testing.T) {
	sock := startRedis(t)
	auth := "AUTH " + oraclePass + "\r\n"
	pad := func(prefix string) string { return prefix + strings.Repeat("a", MaxInline+1-len(prefix)) }
	cases := []struct {
		name string
		in   string
	}{
		{"pipeline with empties and CR leniency", auth + "*1\rX$4\r\nPINGxy*0\r\n*-5\r\n\n\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$3\r\na\x00b\r\n"},
		{"inline quoting", auth + "ECHO \"\\x41\\n\\t\\\"\"\r\nECHO 'it\\'s'\nECHO a\"b c\"\r\n"},
		{"count not a number", auth + "*x\r\n"},
		{"count empty", auth + "*\r\n"},
		{"count leading zero", auth + "*01\r\n"},
		{"count plus", auth + "*+1\r\n"},
		{"count minus zero", auth + "*-0\r\n"},
		{"count over INT_MAX", auth + "*2147483648\r\n"},
		{"count over int64", auth + "*99999999999999999999\r\n"},
		{"expected dollar", auth + "*1\r\nX\r\n"},
		{"expected dollar got CR", auth + "*1\r\n\r\n"},
		{"expected dollar high byte", auth + "*1\r\n\xff\r\n"},
		{"error after a good command", auth + "*1\r\n$4\r\nPING\r\n*1\r\n:1\r\n"},
		{"bulk negative", auth + "*1\r\n$-1\r\n"},
		{"bulk empty", auth + "*1\r\n$\r\n"},
		{"bulk leading zero", auth + "*1\r\n$01\r\n"},
		{"bulk over proto-max-bulk-len", auth + "*1\r\n$536870913\r\n"},
		{"unbalanced double quote", auth + "ECHO \"a\r\n"},
		{"unbalanced single quote", auth + "ECHO 'a\r\n"},
		{"closing quote then letter", auth + "\"a\"b\r\n"},
		{"inline too big", pad("")},
		{"count line too big", pad("*1")},
		{"NUL in count line", pad("*1\x00\r\n")},
		{"bulk line too big", auth + pad("*1\r\n$1")},
		{"NUL in inline line", pad("PING\x00\r\n")},
		{"unauthenticated multibulk", "*11\r\n"},
		{"unauthenticated bulk", "*1\r\n$16385\r\n"},
		{"invalid before unauthenticated", "*1\r\n$-1\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, closed := simulate([]byte(tc.in), true)
			got := exchange(t, sock, []byte(tc.in), len(want), closed)
			if !bytes.Equal(got, want) {
				t.Fatalf("redis-server replied %q\nthe parser gives     %q", got, want)
			}
		})
	}
}

// TestOracleReplies compares Writer with the replies Redis itself sends in
// RESP2 and, after HELLO 3, in RESP3: nulls, maps, sets, doubles and the
// newline scrubbing of error messages.
func TestOracleReplies(t *testing.T) {
	sock := startRedis(t)
	doubles := []string{"1.1", "0.1", "0.3", "1e100", "1e17", "1e16", "123456", "1e-5", "0.0001",
		"inf", "-inf", "3", "-1.5", "5e-324", "1.7976931348623157e308", "12345678901234567890", "2.5", "-0.000123"}
	var in []byte
	w := Writer{}
	cmd := func(args ...string) {
		b := make([][]byte, len(args))
		for i, a := range args {
			b[i] = []byte(a)
		}
		in = AppendCommand(in, b...)
	}
	cmd("AUTH", oraclePass)
	w.SimpleString("OK")
	cmd("FLUSHALL")
	w.SimpleString("OK")
	for i, d := range doubles {
		cmd("ZADD", "z", d, fmt.Sprint("m", i))
		w.Int(1)
	}
	cmd("HSET", "h", "f", "v")
	w.Int(1)
	cmd("SADD", "s", "a")
	w.Int(1)
	for _, proto := range []int{2, 3} {
		w.Proto = proto
		if proto == 3 {
			cmd("HELLO", "3")
			// HELLO's reply carries the connection id; it is read and
			// checked separately below.
		}
		for i, d := range doubles {
			cmd("ZSCORE", "z", fmt.Sprint("m", i))
			w.Double(parseFloat(t, d))
		}
		cmd("GET", "missing")
		w.Null()
		cmd("HGETALL", "h")
		w.Map(1)
		w.BulkString("f")
		w.BulkString("v")
		cmd("SMEMBERS", "s")
		w.Set(1)
		w.BulkString("a")
		cmd("fo\r\no")
		w.Error("ERR unknown command 'fo\r\no', with args beginning with: ")
	}

	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(in); err != nil {
		t.Fatal(err)
	}
	r := NewReplyReader(c)
	split := bytes.Index(w.B, []byte(",1.1000000000000001")) // first RESP3 reply
	want2, want3 := w.B[:split], w.B[split:]
	got2 := make([]byte, len(want2))
	if _, err := io.ReadFull(r.br, got2); err != nil || !bytes.Equal(got2, want2) {
		t.Fatalf("RESP2 replies differ (%v)\nredis:  %q\nwriter: %q", err, got2, want2)
	}
	hello, err := r.Read()
	if err != nil || hello.Kind != KindMap || len(hello.Elems) != 14 || string(hello.Elems[0].Str) != "server" {
		t.Fatalf("HELLO 3 reply: %+v %v", hello, err)
	}
	got3 := make([]byte, len(want3))
	if _, err := io.ReadFull(r.br, got3); err != nil || !bytes.Equal(got3, want3) {
		t.Fatalf("RESP3 replies differ (%v)\nredis:  %q\nwriter: %q", err, got3, want3)
	}
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := parseDouble([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}
