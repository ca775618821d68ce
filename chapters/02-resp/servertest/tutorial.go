package servertest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Step is one fenced block of a tutorial's "Try it" section: the commands
// typed at a redis-cli prompt in one terminal, and every line that
// terminal printed meanwhile.
//
// A block belongs to the first terminal unless an HTML comment on the
// line before it names another: <!-- session: subscriber -->. Such a
// block may hold output alone (messages that arrived). In an expected
// line, "…" stands for any text (a timestamp, a client's port).
type Step struct {
	Session  string
	Line     int // of the block's opening fence, 1-based
	Commands []string
	Want     []string
}

// prompt is redis-cli's: 127.0.0.1:6380> , in database 1
// 127.0.0.1:6380[1]> , inside MULTI 127.0.0.1:6380(TX)> .
var prompt = regexp.MustCompile(`^127\.0\.0\.1:\d+(\[\d+\])?(\(TX\))?> (.*)$`)

var sessionMark = regexp.MustCompile(`^<!-- session: ([a-z0-9-]+) -->$`)

// TrySteps reads the blocks of the "## Try it" section of a tutorial that
// hold a redis-cli prompt or follow a session comment. Other blocks (shell
// commands, logs) are left to the reader.
func TrySteps(readme string) ([]Step, error) {
	data, err := os.ReadFile(readme)
	if err != nil {
		return nil, err
	}
	var (
		steps   []Step
		in      bool   // inside the Try it section
		block   *Step  // the fenced block being read
		marked  bool   // block follows a session comment
		session string // named by the last line, if it was a session comment
	)
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case block != nil && strings.HasPrefix(line, "```"):
			if marked || len(block.Commands) > 0 {
				steps = append(steps, *block)
			}
			block = nil
		case block != nil:
			if m := prompt.FindStringSubmatch(line); m != nil {
				block.Commands = append(block.Commands, m[3])
			} else {
				block.Want = append(block.Want, line)
			}
		case strings.HasPrefix(line, "## "):
			in = strings.HasPrefix(line, "## Try it")
		case in && strings.HasPrefix(line, "```"):
			block = &Step{Session: session, Line: i + 1}
			marked = session != ""
			session = ""
		case in:
			session = ""
			if m := sessionMark.FindStringSubmatch(line); m != nil {
				session = m[1]
			}
		}
	}
	if block != nil {
		return nil, fmt.Errorf("%s:%d: unterminated code block", readme, block.Line)
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("%s: no redis-cli session under ## Try it", readme)
	}
	return steps, nil
}

// TryIt runs the "Try it" steps of the tutorial at readme against the
// server at addr, in the order the tutorial gives them, with one redis-cli
// per terminal, and fails t at the first output that differs from the
// tutorial's. Each step waits for all its lines (10 s at most), so a
// subscriber has subscribed before the next step publishes. The test is
// skipped when redis-cli is not installed.
func TryIt(t *testing.T, readme, addr string) {
	t.Helper()
	steps, err := TrySteps(readme)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed: skipping the tutorial's sessions (apt-get install redis-tools)")
	}
	host, port, _ := net.SplitHostPort(addr)
	terms := map[string]*terminal{}
	defer func() {
		for _, term := range terms {
			term.close()
		}
	}()
	for _, st := range steps {
		term := terms[st.Session]
		if term == nil {
			term = openTerminal(t, bin, host, port)
			terms[st.Session] = term
		}
		for _, c := range st.Commands {
			io.WriteString(term.in, c+"\n")
		}
		for i, want := range st.Want {
			got, ok := term.line(10 * time.Second)
			if !ok {
				t.Fatalf("%s:%d (%s): no line %d of output within 10s, want %q", readme, st.Line, name(st.Session), i+1, want)
			}
			if !lineMatches(got, want) {
				t.Fatalf("%s:%d (%s): line %d of output is\n\t%q\nwant\n\t%q", readme, st.Line, name(st.Session), i+1, got, want)
			}
		}
	}
	for _, term := range terms {
		term.in.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for session, term := range terms {
		if extra := term.finish(deadline); len(extra) > 0 {
			t.Errorf("%s (%s): output the tutorial does not show: %q", readme, name(session), extra)
		}
	}
}

func name(session string) string {
	if session == "" {
		return "first terminal"
	}
	return "terminal " + session
}

// lineMatches compares a line with the tutorial's, where "…" is any text.
func lineMatches(got, want string) bool {
	if !strings.Contains(want, "…") {
		return got == want
	}
	parts := strings.Split(want, "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}

// terminal is one redis-cli reading commands from a pipe. --no-raw makes
// it print replies as it does at a prompt ((integer) 1, 1) "a" ...).
type terminal struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
	done  chan struct{}
}

func openTerminal(t *testing.T, bin, host, port string) *terminal {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{
		cmd:   exec.Command(bin, "-h", host, "-p", port, "--no-raw"),
		lines: make(chan string, 1024),
		done:  make(chan struct{}),
	}
	term.cmd.Stdout, term.cmd.Stderr = w, w
	if term.in, err = term.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := term.cmd.Start(); err != nil {
		t.Fatalf("start redis-cli: %v", err)
	}
	w.Close()
	go func() {
		defer close(term.lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			term.lines <- sc.Text()
		}
		r.Close()
	}()
	go func() { term.cmd.Wait(); close(term.done) }()
	return term
}

// line is the next line printed, false if none came within d.
func (term *terminal) line(d time.Duration) (string, bool) {
	select {
	case l, ok := <-term.lines:
		return l, ok
	case <-time.After(d):
		return "", false
	}
}

// finish returns what redis-cli printed after the last step, once its
// input is closed. A redis-cli still subscribed (or monitoring) waits for
// messages whatever its input: it is stopped at deadline and what it
// printed is not checked, since it could only be more messages.
func (term *terminal) finish(deadline time.Time) []string {
	select {
	case <-term.done:
	case <-time.After(time.Until(deadline)):
		term.close()
		return nil
	}
	var extra []string
	for l := range term.lines {
		extra = append(extra, l)
	}
	return extra
}

func (term *terminal) close() {
	term.cmd.Process.Kill()
	<-term.done
}
