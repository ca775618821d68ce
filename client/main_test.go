package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestMain lets the pseudo-terminal test run this test binary as the
// client itself instead of building it, and removes the gocache server
// built for the tests (servertest.Build).
func TestMain(m *testing.M) {
	if os.Getenv("GOCACHE_CLI_BE_MAIN") == "1" {
		main()
		return
	}
	servertest.Main(m)
}

// serverAddr returns the host and port of a server to test against: the
// one in GOCACHE_TEST_ADDR if set, otherwise a fresh gocache final server
// (built once per test binary) on a free 127.0.0.1 port, without
// persistence, stopped when the test ends.
func serverAddr(t *testing.T) (string, int) {
	t.Helper()
	if addr := os.Getenv("GOCACHE_TEST_ADDR"); addr != "" {
		host, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		return host, p
	}
	bin := servertest.Build(t, "github.com/gocache/gocache/final")
	p := servertest.StartProcess(t, "", bin, "--bind", "127.0.0.1",
		"--appendonly", "no", "--dir", t.TempDir(), "--loglevel", "warning")
	p.WaitReady(t, 10*time.Second)
	return "127.0.0.1", p.Port()
}

// waitFor polls cond until it holds, failing the test after 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// runClient runs the client in-process with stdin and stdout not
// terminals, as in a script.
func runClient(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"gocache-cli"}, args...), env{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
	})
	return out.String(), errb.String(), code
}

// redisCli runs the real redis-cli with the same arguments, or returns
// ok == false when it is not installed.
func redisCli(t *testing.T, stdin string, args ...string) (stdout string, ok bool) {
	t.Helper()
	path, err := exec.LookPath("redis-cli")
	if err != nil {
		return "", false
	}
	cmd := exec.Command(path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, _ := cmd.Output()
	return string(out), true
}

func TestOneShot(t *testing.T) {
	host, port := serverAddr(t)
	p := strconv.Itoa(port)
	// Each step's expectation is both hard-coded and, when redis-cli is
	// installed, compared with what redis-cli prints for the same step.
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"FLUSHDB"}, "OK\n"},
		{[]string{"--no-raw", "SET", "k", "a\"b\r\n"}, "OK\n"},
		{[]string{"--no-raw", "GET", "k"}, "\"a\\\"b\\r\\n\"\n"},
		{[]string{"GET", "k"}, "a\"b\r\n\n"},
		{[]string{"--no-raw", "GET", "missing"}, "(nil)\n"},
		{[]string{"GET", "missing"}, "\n"},
		{[]string{"--no-raw", "RPUSH", "l", "x", "y"}, "(integer) 2\n"},
		{[]string{"--no-raw", "LRANGE", "l", "0", "-1"}, "1) \"x\"\n2) \"y\"\n"},
		{[]string{"--raw", "LRANGE", "l", "0", "-1"}, "x\ny\n"},
		{[]string{"--no-raw", "LRANGE", "none", "0", "-1"}, "(empty array)\n"},
		{[]string{"--no-raw", "GET"}, "(error) ERR wrong number of arguments for 'get' command\n"},
		{[]string{"--no-raw", "-r", "3", "INCR", "c"}, "(integer) 1\n(integer) 2\n(integer) 3\n"},
		{[]string{"-3", "--no-raw", "HSET", "h", "f", "v"}, "(integer) 1\n"},
		{[]string{"-3", "--no-raw", "HGETALL", "h"}, "1# \"f\" => \"v\"\n"},
		{[]string{"-3", "--raw", "HGETALL", "h"}, "f v\n"},
		{[]string{"-3", "--no-raw", "ZADD", "z", "1.5", "m"}, "(integer) 1\n"},
		{[]string{"-3", "--no-raw", "ZSCORE", "z", "m"}, "(double) 1.5\n"},
		{[]string{"--no-raw", "ZSCORE", "z", "m"}, "\"1.5\"\n"},
	}
	// This client runs the steps on db 5; redis-cli, when installed, runs
	// them again on db 8 and must print the same.
	for _, st := range steps {
		args := append([]string{"-h", host, "-p", p, "-n", "5"}, st.args...)
		got, stderr, code := runClient(t, "", args...)
		if got != st.want || code != 0 {
			t.Errorf("%q: got %q (stderr %q, exit %d), want %q", st.args, got, stderr, code, st.want)
		}
	}
	for _, st := range steps {
		args := append([]string{"-h", host, "-p", p, "-n", "8"}, st.args...)
		cli, ok := redisCli(t, "", args...)
		if !ok {
			t.Log("redis-cli not on PATH: outputs not compared with redis-cli")
			return
		}
		if cli != st.want {
			t.Errorf("%q: redis-cli printed %q, the test expects %q", st.args, cli, st.want)
		}
	}
}

func TestErrorReplyExitCode(t *testing.T) {
	host, port := serverAddr(t)
	base := []string{"-h", host, "-p", strconv.Itoa(port)}
	// redis-cli 7 exits 0 after an error reply unless -e is given.
	if _, _, code := runClient(t, "", append(base, "GET")...); code != 0 {
		t.Errorf("error reply without -e: exit %d, want 0", code)
	}
	if _, _, code := runClient(t, "", append(base, "-e", "GET")...); code != 1 {
		t.Errorf("error reply with -e: exit %d, want 1", code)
	}
}

func TestServerDown(t *testing.T) {
	port := strconv.Itoa(servertest.FreePort(t)) // nothing listens there any more
	out, stderr, code := runClient(t, "", "-p", port, "PING")
	want := "Could not connect to 127.0.0.1:" + port + ": connection refused\n"
	if out != "" || stderr != want || code != 1 {
		t.Errorf("got stdout %q, stderr %q, exit %d; want stderr %q, exit 1", out, stderr, code, want)
	}
	if _, _, code := runClient(t, "PING\n", "-p", port); code != 1 {
		t.Errorf("pipe mode with the server down: exit %d, want 1", code)
	}
}

func TestServerClosesConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if nc, err := ln.Accept(); err == nil {
			nc.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	_, stderr, code := runClient(t, "", "-p", port, "PING")
	if stderr != "Error: Server closed the connection\n" || code != 1 {
		t.Errorf("got stderr %q, exit %d", stderr, code)
	}
}

func TestPipe(t *testing.T) {
	host, port := serverAddr(t)
	script := "SELECT 6\nFLUSHDB\nSET a 1\nGET a\n\nGET\nINCR a\nset \"unbalanced\nLRANGE none 0 -1\n" +
		"MGET a nope\nQUIT\nSET a never\n"
	cases := []struct {
		flag string
		want string
	}{
		{"--raw", "OK\nOK\nOK\n1\nERR wrong number of arguments for 'get' command\n\n2\n" +
			"Invalid argument(s)\n\n2\n\n"},
		{"--no-raw", "OK\nOK\nOK\n\"1\"\n(error) ERR wrong number of arguments for 'get' command\n" +
			"(integer) 2\nInvalid argument(s)\n(empty array)\n1) \"2\"\n2) (nil)\n"},
	}
	for _, tc := range cases {
		args := []string{"-h", host, "-p", strconv.Itoa(port), tc.flag}
		got, stderr, code := runClient(t, script, args...)
		if got != tc.want || code != 0 {
			t.Errorf("%s: got %q (stderr %q, exit %d)\nwant %q", tc.flag, got, stderr, code, tc.want)
		}
		if cli, ok := redisCli(t, script, args...); ok && cli != tc.want {
			t.Errorf("%s: redis-cli printed %q, the test expects %q", tc.flag, cli, tc.want)
		}
	}
}

func TestPipeManyCommands(t *testing.T) {
	host, port := serverAddr(t)
	var script strings.Builder
	var want strings.Builder
	script.WriteString("SELECT 7\nDEL n\n")
	want.WriteString("OK\n0\n")
	for i := 1; i <= 5000; i++ {
		script.WriteString("INCR n\n")
		want.WriteString(strconv.Itoa(i) + "\n")
	}
	got, stderr, code := runClient(t, script.String(), "-h", host, "-p", strconv.Itoa(port))
	if got != want.String() || code != 0 {
		t.Errorf("5000 pipelined INCRs: %d bytes of output (want %d), stderr %q, exit %d",
			len(got), want.Len(), stderr, code)
	}
}

func TestHelpFlag(t *testing.T) {
	out, _, code := runClient(t, "", "--help")
	if code != 0 || !strings.Contains(out, "-h <hostname>") {
		t.Errorf("--help: exit %d, output %q", code, out)
	}
	_, stderr, code := runClient(t, "", "--bogus")
	if code != 1 || !strings.Contains(stderr, "bogus") {
		t.Errorf("--bogus: exit %d, stderr %q", code, stderr)
	}
}
