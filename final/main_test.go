package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestMain removes the gocache binary the process tests build (with
// -race) through servertest.Build.
func TestMain(m *testing.M) { servertest.Main(m) }

// binary is the gocache executable, built once for the process tests.
func binary(t testing.TB) string {
	t.Helper()
	return servertest.Build(t, ".", "-race")
}

// exitWithin is how long a stopping process may take to exit.
const exitWithin = 20 * time.Second

// startProc starts gocache with args plus a free port on 127.0.0.1 and waits
// until it answers PING.
func startProc(t *testing.T, args ...string) *servertest.Process {
	t.Helper()
	args = append(args, "--bind", "127.0.0.1")
	if !strings.Contains(strings.Join(args, " "), "--dir ") {
		args = append(args, "--dir", t.TempDir())
	}
	p := servertest.StartProcess(t, "", binary(t), args...)
	p.WaitReady(t, 20*time.Second)
	return p
}

func TestShutdownExitsZeroAndKeepsTheData(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, "--appendonly", "yes", "--appendfsync", "no", "--dir", dir)
	c := servertest.Dial(t, p.Addr)
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
	if code := p.ExitCode(t, exitWithin); code != 0 {
		t.Fatalf("exit code %d; log:\n%s", code, p.Log)
	}
	log := p.Log.String()
	for _, want := range []string{"gocache 0.1.0 (Redis 7.0.15 compatible) pid=", " port=", " mode=standalone", "User requested shutdown"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	// The AOF was flushed on the way out: a new process loads the key.
	p = startProc(t, "--appendonly", "yes", "--dir", dir)
	if got := servertest.Dial(t, p.Addr).Do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Errorf("after restart GET k = %q", got)
	}
}

func TestSignalsExitZero(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		p := startProc(t)
		c := servertest.Dial(t, p.Addr)
		c.Do("PING")
		p.Cmd.Process.Signal(sig)
		c.ReadEOF()
		if code := p.ExitCode(t, exitWithin); code != 0 {
			t.Errorf("%v: exit code %d; log:\n%s", sig, code, p.Log)
		}
		if !strings.Contains(p.Log.String(), "scheduling shutdown") {
			t.Errorf("%v: log:\n%s", sig, p.Log)
		}
	}
}

func TestFileThenFlags(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "g.conf")
	os.WriteFile(conf, []byte("# test\nport 1\nmaxmemory 2mb\ntimeout 30\nsave \"\"\n"), 0o644)
	p := startProc(t, conf, "--timeout", "40", "--loglevel", "verbose")
	c := servertest.Dial(t, p.Addr)
	for name, want := range map[string]string{"maxmemory": "2097152", "timeout": "40", "loglevel": "verbose", "port": strconv.Itoa(p.Port())} {
		got := c.Do("CONFIG", "GET", name)
		if !strings.HasSuffix(got, "\r\n"+want+"\r\n") {
			t.Errorf("CONFIG GET %s = %q, want %s", name, got, want)
		}
	}
	if got := c.Do("INFO", "server"); !strings.Contains(got, "config_file:"+conf+"\r\n") {
		t.Errorf("INFO lacks the config file: %q", got)
	}
}

func TestSampleConfigLoads(t *testing.T) {
	p := startProc(t, "gocache.conf")
	c := servertest.Dial(t, p.Addr)
	if got := c.Do("CONFIG", "GET", "client-output-buffer-limit"); !strings.Contains(got, "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60") {
		t.Errorf("got %q", got)
	}
	if got := c.Do("CONFIG", "GET", "save"); got != "*2\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n" {
		t.Errorf("save: %q", got)
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
		out, err := exec.Command(binary(t), tc.args...).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			t.Errorf("%v: want exit code 1, got %v", tc.args, err)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("%v: output lacks %q:\n%s", tc.args, tc.want, out)
		}
	}
}

// TestKeyThatExpiredWhileDownIsGone: the final server loads the AOF in
// the loading state, as chapters 04 and 05 do.
func TestKeyThatExpiredWhileDownIsGone(t *testing.T) {
	dir := t.TempDir()
	servertest.ExpiresWhileDown(t, func() *servertest.Process {
		return startProc(t, "--appendonly", "yes", "--dir", dir)
	})
}
