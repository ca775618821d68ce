package servertest

import (
	"bytes"
	"errors"
	"fmt"
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
)

// builds holds the binaries Build made in this test process, one per
// package and flags, so that each is compiled once however many tests
// start it.
var builds struct {
	mu   sync.Mutex
	dir  string
	bins map[string]*built
}

type built struct {
	once sync.Once
	path string
	err  error
}

// Build compiles the main package pkg (an import path, or a directory
// relative to the test's package such as ".") with extra go build flags
// such as -race, once per test process, and returns the executable. The
// package's TestMain calls Main, which deletes what it built.
func Build(t testing.TB, pkg string, flags ...string) string {
	t.Helper()
	b := builtFor(pkg, flags)
	b.once.Do(func() {
		if b.err != nil {
			return
		}
		args := append(append([]string{"build"}, flags...), "-o", b.path, pkg)
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// builtFor finds or makes the entry for pkg built with flags.
func builtFor(pkg string, flags []string) *built {
	key := strings.Join(append([]string{pkg}, flags...), " ")
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if b := builds.bins[key]; b != nil {
		return b
	}
	b := &built{}
	if builds.dir == "" {
		builds.dir, b.err = os.MkdirTemp("", "gocache-test-bin")
	}
	if builds.bins == nil {
		builds.bins = map[string]*built{}
	}
	b.path = filepath.Join(builds.dir, "gocache"+strconv.Itoa(len(builds.bins)))
	builds.bins[key] = b
	return b
}

// Main is a TestMain for packages that use Build: it runs the tests,
// deletes the binaries Build made and exits with the tests' status.
func Main(m *testing.M) {
	code := m.Run()
	builds.mu.Lock()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	builds.mu.Unlock()
	os.Exit(code)
}

// Buffer collects a process's output; the test may read it while exec's
// copying goroutine still writes.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Process is a server process started by a test: a gocache binary or a
// redis-server, on a free 127.0.0.1 port, its output in Log.
type Process struct {
	Cmd  *exec.Cmd
	Addr string
	Log  *Buffer // standard output and standard error
	done chan struct{}
	err  error // what Wait returned, once done is closed
}

// StartProcess runs bin with args and "--port" and a free port, in
// directory dir ("": the test's), without waiting for it to listen (see
// WaitReady). The process is killed when the test ends.
func StartProcess(t testing.TB, dir, bin string, args ...string) *Process {
	t.Helper()
	port := FreePort(t)
	p := &Process{
		Cmd:  exec.Command(bin, append(args, "--port", strconv.Itoa(port))...),
		Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Log:  &Buffer{},
		done: make(chan struct{}),
	}
	p.Cmd.Dir = dir
	p.Cmd.Stdout, p.Cmd.Stderr = p.Log, p.Log
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.err = p.Cmd.Wait(); close(p.done) }()
	t.Cleanup(p.Kill)
	return p
}

// Port is the port the process was told to listen on.
func (p *Process) Port() int {
	_, port, _ := net.SplitHostPort(p.Addr)
	n, _ := strconv.Atoi(port)
	return n
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// WaitReady polls the process with PING until it answers, failing the
// test with its log if it exits first or does not answer within the
// given time. A server loads its data before it serves clients, so an
// answer also means the load is over.
func (p *Process) WaitReady(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !pingOnce(p.Addr) {
		select {
		case <-p.done:
			t.Fatalf("%s exited (%v) before answering PING:\n%s", p.Cmd.Path, p.err, p.Log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer PING within %v:\n%s", p.Addr, within, p.Log)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// ExitCode waits up to within for the process to exit and returns its
// exit status, failing the test with its log if it is still running.
func (p *Process) ExitCode(t testing.TB, within time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(within):
		t.Fatalf("%s did not exit within %v; log:\n%s", p.Cmd.Path, within, p.Log)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatal(p.err)
	}
	return 0
}

// Stop is a clean shutdown: SIGTERM, then ExitCode.
func (p *Process) Stop(t testing.TB, within time.Duration) int {
	t.Helper()
	p.Cmd.Process.Signal(syscall.SIGTERM)
	return p.ExitCode(t, within)
}

// Kill is a crash: SIGKILL, no chance to flush anything. It returns once
// the process is gone.
func (p *Process) Kill() {
	p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}
