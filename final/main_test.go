package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// binary is the gocache executable built once for the process tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gocache-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "gocache")
	if out, err := exec.Command("go", "build", "-race", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// logBuffer collects the process's standard error; the test reads it
// while exec's copying goroutine writes it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// proc is a running gocache process.
type proc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *logBuffer
	done   chan error
}

// startProc starts gocache with args plus a free port on 127.0.0.1 and waits
// until it answers PING.
func startProc(t *testing.T, args ...string) *proc {
	t.Helper()
	port := servertest.FreePort(t)
	args = append(args, "--port", strconv.Itoa(port), "--bind", "127.0.0.1")
	if !strings.Contains(strings.Join(args, " "), "--dir ") {
		args = append(args, "--dir", t.TempDir())
	}
	p := &proc{cmd: exec.Command(binary, args...), stderr: &logBuffer{}, done: make(chan error, 1)}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	p.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	servertest.WaitPing(t, p.addr, 20*time.Second)
	return p
}

// exitCode waits for the process to end.
func (p *proc) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		t.Fatalf("gocache did not exit; log:\n%s", p.stderr)
		return -1
	}
}

func TestShutdownExitsZeroAndKeepsTheData(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, "--appendonly", "yes", "--appendfsync", "no", "--dir", dir)
	c := servertest.Dial(t, p.addr)
	if got := c.Do("SET", "k", "v"); got != "+OK\r\n" {
		t.Fatalf("SET: %q", got)
	}
	if got := c.Do("SHUTDOWN", "FOO"); got != "-ERR syntax error\r\n" {
		t.Errorf("SHUTDOWN FOO: %q", got)
	}
	c.Send("SHUTDOWN\r\n")
	if rest := c.ReadEOF(); rest != "" {
		t.Errorf("SHUTDOWN replied %q; Redis replies nothing", rest)
	}
	if code := p.exitCode(t); code != 0 {
		t.Fatalf("exit code %d; log:\n%s", code, p.stderr)
	}
	log := p.stderr.String()
	for _, want := range []string{"gocache 0.1.0 (Redis 7.0.15 compatible) pid=", " port=", " mode=standalone", "User requested shutdown"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	// The AOF was flushed on the way out: a new process loads the key.
	p = startProc(t, "--appendonly", "yes", "--dir", dir)
	if got := servertest.Dial(t, p.addr).Do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Errorf("after restart GET k = %q", got)
	}
}

func TestSignalsExitZero(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		p := startProc(t)
		c := servertest.Dial(t, p.addr)
		c.Do("PING")
		p.cmd.Process.Signal(sig)
		c.ReadEOF()
		if code := p.exitCode(t); code != 0 {
			t.Errorf("%v: exit code %d; log:\n%s", sig, code, p.stderr)
		}
		if !strings.Contains(p.stderr.String(), "scheduling shutdown") {
			t.Errorf("%v: log:\n%s", sig, p.stderr)
		}
	}
}

func TestFileThenFlags(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "g.conf")
	os.WriteFile(conf, []byte("# test\nport 1\nmaxmemory 2mb\ntimeout 30\nsave \"\"\n"), 0o644)
	p := startProc(t, conf, "--timeout", "40", "--loglevel", "verbose")
	c := servertest.Dial(t, p.addr)
	for name, want := range map[string]string{"maxmemory": "2097152", "timeout": "40", "loglevel": "verbose", "port": strconv.Itoa(p.port())} {
		got := c.Do("CONFIG", "GET", name)
		if !strings.HasSuffix(got, "\r\n"+want+"\r\n") {
			t.Errorf("CONFIG GET %s = %q, want %s", name, got, want)
		}
	}
	if got := c.Do("INFO", "server"); !strings.Contains(got, "config_file:"+conf+"\r\n") {
		t.Errorf("INFO lacks the config file: %q", got)
	}
}

func (p *proc) port() int {
	_, port, _ := net.SplitHostPort(p.addr)
	n, _ := strconv.Atoi(port)
	return n
}

func TestSampleConfigLoads(t *testing.T) {
	p := startProc(t, "gocache.conf")
	c := servertest.Dial(t, p.addr)
	if got := c.Do("CONFIG", "GET", "client-output-buffer-limit"); !strings.Contains(got, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60") {
		t.Errorf("got %q", got)
	}
	if !strings.Contains(p.stderr.String(), "save") {
		t.Errorf("no notice about save:\n%s", p.stderr)
	}
}

func TestBadConfigStopsWithFileAndLine(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "bad.conf")
	os.WriteFile(conf, []byte("port 7000\nfoo bar\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{conf}, "Reading the configuration file " + conf + ", at line 2\n>>> 'foo bar'\nBad directive or wrong number of arguments\n"},
		{[]string{"--maxmemory", "1xb"}, `--maxmemory "1xb": argument must be a memory value`},
		{[]string{"--daemonize", "yes"}, `--daemonize "yes": gocache does not daemonize`},
		{[]string{"--no-such-option", "1"}, "flag provided but not defined: -no-such-option"},
	} {
		out, err := exec.Command(binary, tc.args...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("%v: want exit code 1, got %v", tc.args, err)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%v: output lacks %q:\n%s", tc.args, tc.want, out)
		}
	}
}
