package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// The engines gocache runs under in production: redis-sentinel (failover)
// and nutcracker (twemproxy, sharding). The tests start the real programs
// on free 127.0.0.1 ports and skip, saying why, where they are not
// installed.

// enginePath finds a program on PATH, or in /usr/sbin where Debian puts
// nutcracker (and a user's PATH often lacks it); it skips the test when
// the program is nowhere.
func enginePath(t *testing.T, name, pkg string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := filepath.Join("/usr/sbin", name); isExecutable(p) {
		return p
	}
	t.Skipf("%s not installed: skipping the test with the real engine (apt-get install %s)", name, pkg)
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// engine is a program a test started, its output in log; it is killed
// when the test ends.
type engine struct {
	cmd  *exec.Cmd
	log  *servertest.Buffer
	done chan struct{}
}

// startEngine runs bin with args in dir.
func startEngine(t *testing.T, dir, bin string, args ...string) *engine {
	t.Helper()
	e := &engine{cmd: exec.Command(bin, args...), log: &servertest.Buffer{}, done: make(chan struct{})}
	e.cmd.Dir = dir
	e.cmd.Stdout, e.cmd.Stderr = e.log, e.log
	if err := e.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { e.cmd.Wait(); close(e.done) }()
	t.Cleanup(e.kill)
	return e
}

func (e *engine) kill() {
	e.cmd.Process.Kill()
	<-e.done
}

// waitListening polls addr until it accepts a connection, failing the
// test with the engine's log if it exits first or the time runs out.
func (e *engine) waitListening(t *testing.T, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			return
		}
		select {
		case <-e.done:
			t.Fatalf("%s exited before listening on %s:\n%s", e.cmd.Path, addr, e.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not listening on %s within %v:\n%s", e.cmd.Path, addr, within, e.log)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// freeAddr is a free 127.0.0.1 address.
func freeAddr(t *testing.T) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(servertest.FreePort(t)))
}

// eventually polls cond every 50ms until it holds, failing the test with
// what(), the last state it saw, when within passes.
func eventually(t *testing.T, within time.Duration, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what())
		}
		time.Sleep(50 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// ctxFor is a context that ends after d or with the test.
func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
