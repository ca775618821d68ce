package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal collects everything the client writes to its pseudo-terminal.
type terminal struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // gets a value after each read
}

// expect waits until s appears in the output after position from, and
// returns the position just past it.
func (tm *terminal) expect(t *testing.T, from int, s string) int {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		tm.mu.Lock()
		out := tm.buf.String()
		tm.mu.Unlock()
		if i := strings.Index(out[from:], s); i >= 0 {
			return from + i + len(s)
		}
		select {
		case <-tm.changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %q; the terminal shows:\n%s", s, out)
		}
	}
}

// collect copies what the terminal shows until it closes.
func (tm *terminal) collect(ptmx *os.File) {
	b := make([]byte, 4096)
	for {
		n, err := ptmx.Read(b)
		tm.mu.Lock()
		tm.buf.Write(b[:n])
		tm.mu.Unlock()
		select {
		case tm.changed <- struct{}{}:
		default:
		}
		if err != nil {
			return
		}
	}
}

// text is everything the terminal has shown so far.
func (tm *terminal) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.buf.String()
}

func TestPromptInPseudoTerminal(t *testing.T) {
	host, port := serverAddr(t)
	home := t.TempDir()
	cmd := exec.Command(os.Args[0], "-h", host, "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "GOCACHE_CLI_BE_MAIN=1", "HOME="+home, "TERM=dumb")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	tm := &terminal{changed: make(chan struct{}, 1)}
	go tm.collect(ptmx)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	prompt := host + ":" + strconv.Itoa(port) + "> "
	pos := tm.expect(t, 0, prompt)
	for _, step := range []struct{ line, want string }{
		{"FLUSHALL", "OK"},
		{"SET a 1", "OK"},
		{"GET a", `"1"`},
		{`SET b "x\ty"`, "OK"},
		{"GET b", `"x\ty"`},
		{"SELECT 2", "OK"},
	} {
		ptmx.WriteString(step.line + "\r")
		pos = tm.expect(t, pos, step.want+"\r\n")
	}
	pos = tm.expect(t, pos, host+":"+strconv.Itoa(port)+"[2]> ")
	ptmx.WriteString("GET a\r")
	pos = tm.expect(t, pos, "(nil)\r\n")
	ptmx.WriteString("help\r")
	pos = tm.expect(t, pos, `"quit" or "exit" to leave`)
	ptmx.WriteString("quit\r")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("client exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("client did not exit after quit")
	}
	hist, err := os.ReadFile(filepath.Join(home, historyName))
	if err != nil || !strings.Contains(string(hist), "SET a 1\n") || !strings.Contains(string(hist), "SELECT 2\n") {
		t.Errorf("history file: %q, %v", hist, err)
	}
}
