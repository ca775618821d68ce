package packaging

import (
	"bufio"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
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

// skipWithoutMains skips a test until ./final and ./client are main packages.
func skipWithoutMains(t *testing.T, root string) {
	t.Helper()
	for _, dir := range []string{"final", "client"} {
		cmd := exec.Command("go", "list", "-f", "{{.Name}}", "./"+dir)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil || strings.TrimSpace(string(out)) != "main" {
			t.Skipf("./%s is not a main package yet: nothing to build", dir)
		}
	}
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// staticBinaries runs final/docker/build-static.sh once per test binary, as the
// Dockerfile does, and returns the directory holding gocache-server and
// gocache-cli.
func staticBinaries(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	skipWithoutMains(t, root)
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "gocache-static-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("sh", "final/docker/build-static.sh", binDir)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("final/docker/build-static.sh: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// A static binary has no program interpreter (PT_INTERP, the dynamic
// loader) and needs no shared library (DT_NEEDED): it runs in an image that
// has no libc.
func TestBinariesAreStatic(t *testing.T) {
	dir := staticBinaries(t)
	for _, name := range []string{"gocache-server", "gocache-cli"} {
		f, err := elf.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s has a PT_INTERP header: it needs a dynamic loader", name)
			}
		}
		libs, err := f.ImportedLibraries()
		if err != nil {
			t.Fatal(err)
		}
		if len(libs) > 0 {
			t.Errorf("%s needs shared libraries %q", name, libs)
		}
		if f.Section(".symtab") != nil {
			t.Errorf("%s keeps its symbol table: -ldflags=-s was not applied", name)
		}
	}
}

// The server must start with nothing from the environment (no HOME, no PATH)
// in an empty directory, as it does in a fresh container, answer PING, and
// exit 0 on SIGTERM as `docker stop` sends it.
func TestServerRunsWithEmptyEnvironment(t *testing.T) {
	dir := staticBinaries(t)
	port := freePort(t)
	srv := startServer(t, filepath.Join(dir, "gocache-server"), t.TempDir(),
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1")
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitListening(t, srv, addr)
	if got := ping(t, addr); got != "+PONG\r\n" {
		t.Errorf("PING replied %q, want %q", got, "+PONG\r\n")
	}
	srv.stop(t)
}

// The image's own configuration file plus flags after it, as in
// `docker run gocache /etc/gocache.conf --appendonly yes`: the server listens
// on every interface (IPv4 and IPv6 together), writes its append-only files
// under dir and nothing in its working directory, and the health check
// command succeeds while it runs and fails once it has stopped.
func TestServerRunsWithImageConfig(t *testing.T) {
	dir := staticBinaries(t)
	conf := filepath.Join(repoRoot(t), "final", "docker", "gocache.conf")
	data, work := t.TempDir(), t.TempDir()
	port := freePort(t)
	srv := startServer(t, filepath.Join(dir, "gocache-server"), work,
		conf, "--port", strconv.Itoa(port), "--dir", data, "--appendonly", "yes")
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	waitListening(t, srv, addr)

	if got := ping(t, addr); got != "+PONG\r\n" {
		t.Errorf("PING on %s replied %q", addr, got)
	}
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil { // IPv6 loopback present
		ln.Close()
		addr6 := net.JoinHostPort("::1", strconv.Itoa(port))
		if got := ping(t, addr6); got != "+PONG\r\n" {
			t.Errorf("PING on %s replied %q (bind 0.0.0.0 -:: should cover IPv6)", addr6, got)
		}
	}
	if got := roundTrip(t, addr, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"); got != "+OK\r\n" {
		t.Errorf("SET replied %q, want +OK", got)
	}

	cli := filepath.Join(dir, "gocache-cli")
	health := func() (string, error) {
		out, err := exec.Command(cli, "-p", strconv.Itoa(port), "PING").CombinedOutput()
		return string(out), err
	}
	if out, err := health(); err != nil || !strings.Contains(out, "PONG") {
		t.Errorf("health check gocache-cli -p %d PING = %q, %v; want PONG and exit 0", port, out, err)
	}
	srv.stop(t)

	if out, err := health(); err == nil {
		t.Errorf("health check passed with the server stopped (output %q): it must exit non-zero", out)
	}
	if n := countFiles(t, data); n == 0 {
		t.Errorf("no append-only file under --dir %s after a SET with appendonly yes", data)
	}
	if n := countFiles(t, work); n != 0 {
		t.Errorf("server wrote %d files in its working directory instead of --dir", n)
	}
}

type server struct {
	cmd    *exec.Cmd
	done   chan struct{}
	err    error
	output *strings.Builder
}

// startServer runs bin with args in dir and an empty environment; its output
// is kept for failure messages.
func startServer(t *testing.T, bin, dir string, args ...string) *server {
	t.Helper()
	s := &server{cmd: exec.Command(bin, args...), done: make(chan struct{}), output: &strings.Builder{}}
	s.cmd.Env = []string{} // empty, not inherited (nil would inherit)
	s.cmd.Dir = dir
	pr, pw := io.Pipe()
	s.cmd.Stdout, s.cmd.Stderr = pw, pw
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var copied sync.WaitGroup
	copied.Add(1)
	go func() {
		defer copied.Done()
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.output.WriteString(sc.Text() + "\n")
		}
	}()
	go func() {
		s.err = s.cmd.Wait()
		pw.Close()
		copied.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// stop sends SIGTERM and expects a clean exit within 10 seconds.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("server still running 10s after SIGTERM; output:\n%s", s.output)
	}
	if s.err != nil {
		t.Errorf("server exited with %v after SIGTERM, want status 0; output:\n%s", s.err, s.output)
	}
}

// waitListening polls addr until it accepts a connection, the server exits,
// or 15 seconds pass.
func waitListening(t *testing.T, s *server, addr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.done:
			t.Fatalf("server exited (%v) before listening on %s; output:\n%s", s.err, addr, s.output)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listening on %s after 15s: %v; output:\n%s", addr, err, s.output)
		}
	}
}

func ping(t *testing.T, addr string) string {
	return roundTrip(t, addr, "*1\r\n$4\r\nPING\r\n")
}

// roundTrip sends one raw RESP request and returns the first reply line.
func roundTrip(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("reading reply from %s: %v", addr, err)
	}
	return line
}

// freePort asks the kernel for a port no one is using on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return n
}

// The course must compile on the learners' own machines too: on macOS and
// Windows the reactor's stub makes the chapters build (and explain that they
// need Linux to run).
func TestCrossPlatformBuild(t *testing.T) {
	for _, goos := range []string{"darwin", "windows"} {
		t.Run(goos, func(t *testing.T) {
			t.Parallel()
			// A guard against a hung toolchain, not a speed test: a cold
			// cross-compile of the whole module, next to the rest of the
			// suite on two cores, can take minutes.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "go", "build", "./...")
			cmd.Dir = repoRoot(t)
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("GOOS=%s go build ./... took over 5 minutes", goos)
			}
			if err != nil {
				t.Errorf("GOOS=%s go build ./...: %v\n%s", goos, err, out)
			}
		})
	}
}
