package main

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestProgram builds the chapter's program, starts it on a free port,
// stores and reads a key, and stops it with SIGTERM: it must exit 0.
func TestProgram(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "03-cache")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--port", "0", "--bind", "127.0.0.1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
		}
	})
	lines := bufio.NewScanner(stderr)
	ready := regexp.MustCompile(`ready to accept connections on (127\.0\.0\.1:\d+)`)
	addr := ""
	for addr == "" && lines.Scan() {
		if m := ready.FindStringSubmatch(lines.Text()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatal("the program never said where it listens")
	}
	go func() {
		for lines.Scan() { // keep draining the log
		}
		exited <- cmd.Wait()
	}()

	c := servertest.Dial(t, addr)
	if got := c.Do("SET", "k", "v", "EX", "100"); got != "+OK\r\n" {
		t.Fatalf("SET = %q", got)
	}
	if got := c.Do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Fatalf("GET = %q", got)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not stop within 10s of SIGTERM")
	}
}
