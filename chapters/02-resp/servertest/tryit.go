package servertest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Prompt starts each command of a tutorial's redis-cli session: the
// course's programs listen on port 6380.
const Prompt = "127.0.0.1:6380> "

// BackgroundMark, on the line before a session's fence, says that the
// session is one command that blocks (BLPOP ...): it runs in a second
// terminal while the next session wakes it, and its output is checked
// once that session is over.
const BackgroundMark = "<!-- try: background -->"

// Session is one fenced redis-cli session of a tutorial.
type Session struct {
	Line       int // of the opening fence, 1-based
	Background bool
	Steps      []Step
}

// Step is one command typed at the prompt and what redis-cli prints.
type Step struct {
	Line    int
	Command string
	Output  string // lines joined by "\n", without the last newline
	lines   int
}

// elapsed is the "(2.01s)" redis-cli prints after a blocking command at
// a terminal; not printed when it does not run at one.
var elapsed = regexp.MustCompile(`^\(\d+\.\d+s\)$`)

// TryItSessions reads the sessions of the "## Try it" section of a
// tutorial: every fenced block whose first line starts with Prompt.
func TryItSessions(md []byte) []Session {
	var sessions []Session
	var cur *Session
	inSection, inFence, prevMark, fenceMark := false, false, false, false
	sc := bufio.NewScanner(bytes.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case inFence && strings.HasPrefix(line, "```"):
			inFence = false
			if cur != nil && len(cur.Steps) > 0 {
				sessions = append(sessions, *cur)
			}
			cur = nil
		case inFence:
			if cur == nil {
				if !strings.HasPrefix(line, Prompt) {
					continue // not a session: a shell or output listing
				}
				cur = &Session{Line: n - 1, Background: fenceMark}
			}
			if cmd, ok := strings.CutPrefix(line, Prompt); ok {
				cur.Steps = append(cur.Steps, Step{Line: n, Command: cmd})
				continue
			}
			if elapsed.MatchString(line) {
				continue
			}
			s := &cur.Steps[len(cur.Steps)-1]
			if s.lines > 0 {
				s.Output += "\n"
			}
			s.Output += line
			s.lines++
		case strings.HasPrefix(line, "## "):
			inSection = strings.TrimSpace(line) == "## Try it"
		case inSection && strings.HasPrefix(line, "```"):
			inFence = true
			fenceMark, prevMark = prevMark, false
		default:
			if strings.TrimSpace(line) != "" {
				prevMark = inSection && strings.TrimSpace(line) == BackgroundMark
			}
		}
	}
	return sessions
}

// TryIt runs the "Try it" sessions of the tutorial at readme against the
// server listening on 127.0.0.1:port, one redis-cli per command, and
// fails the test where redis-cli prints something else than the
// tutorial shows. A background session's command must block (INFO's
// blocked_clients grows) before the next session starts. The test is
// skipped when redis-cli is not installed.
func TryIt(t *testing.T, readme string, port int) {
	t.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed: the tutorial's sessions need it (apt install redis-tools)")
	}
	md, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	sessions := TryItSessions(md)
	if len(sessions) == 0 {
		t.Fatalf("%s: no redis-cli session under ## Try it", readme)
	}
	ctl := Dial(t, "127.0.0.1:"+strconv.Itoa(port))
	type waiting struct {
		step Step
		cmd  *exec.Cmd
		out  *Buffer
		done chan error
	}
	var bg []waiting
	for _, s := range sessions {
		if s.Background {
			if len(s.Steps) != 1 {
				t.Fatalf("%s:%d: a background session is one command", readme, s.Line)
			}
			before := blockedClients(t, ctl)
			w := waiting{step: s.Steps[0], out: &Buffer{}, done: make(chan error, 1)}
			w.cmd = redisCLI(t, cli, port, readme, w.step)
			w.cmd.Stdout, w.cmd.Stderr = w.out, w.out
			if err := w.cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { w.done <- w.cmd.Wait() }()
			t.Cleanup(func() { w.cmd.Process.Kill() })
			WaitBlocked(t, ctl, before+1)
			bg = append(bg, w)
			continue
		}
		for _, step := range s.Steps {
			out, _ := redisCLI(t, cli, port, readme, step).CombinedOutput()
			check(t, readme, step, string(out))
		}
		for _, w := range bg {
			select {
			case <-w.done:
			case <-time.After(10 * time.Second):
				t.Fatalf("%s:%d: %s still blocked after the next session", readme, w.step.Line, w.step.Command)
			}
			check(t, readme, w.step, w.out.String())
		}
		bg = nil
	}
	if len(bg) > 0 {
		t.Fatalf("%s: the last session is a background one; nothing wakes it", readme)
	}
}

// redisCLI is the redis-cli process that runs step's command and prints
// its reply formatted as at a terminal.
func redisCLI(t *testing.T, cli string, port int, readme string, step Step) *exec.Cmd {
	t.Helper()
	args, err := SplitArgs(step.Command)
	if err != nil {
		t.Fatalf("%s:%d: %v", readme, step.Line, err)
	}
	return exec.Command(cli, append([]string{"-h", "127.0.0.1", "-p", strconv.Itoa(port), "--no-raw"}, args...)...)
}

func check(t *testing.T, readme string, step Step, got string) {
	t.Helper()
	got = strings.TrimSuffix(got, "\n")
	if got != step.Output {
		t.Errorf("%s:%d: %s\nthe tutorial shows:\n%s\nredis-cli printed:\n%s", readme, step.Line, step.Command, step.Output, got)
	}
}

// blockedClients is INFO clients' blocked_clients.
func blockedClients(t testing.TB, c *Conn) int {
	t.Helper()
	info := c.Do("INFO", "clients")
	_, rest, ok := strings.Cut(info, "blocked_clients:")
	if !ok {
		t.Fatalf("INFO clients has no blocked_clients: %q", info)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(rest, "\r\n", 2)[0]))
	return n
}

// WaitBlocked polls INFO clients on c until blocked_clients is n: the
// server parked as many clients in blocking commands.
func WaitBlocked(t testing.TB, c *Conn, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := blockedClients(t, c)
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("blocked_clients is %d, never became %d", got, n)
		}
		time.Sleep(2 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// SplitArgs splits a line typed at redis-cli's prompt into arguments as
// redis-cli does (sdssplitargs): words separated by spaces, "double
// quotes" with backslash escapes (\n, \r, \t, \b, \a, \\, \", \xHH) and
// 'single quotes' where only \' is an escape.
func SplitArgs(line string) ([]string, error) {
	var args []string
	i := 0
	for {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i == len(line) {
			return args, nil
		}
		var cur []byte
		inDouble, inSingle := false, false
		for ; i < len(line); i++ {
			c := line[i]
			switch {
			case inDouble && c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
				v, _ := strconv.ParseUint(line[i+2:i+4], 16, 8)
				cur = append(cur, byte(v))
				i += 3
			case inDouble && c == '\\' && i+1 < len(line):
				i++
				cur = append(cur, unescape(line[i]))
			case inDouble && c == '"':
				if i+1 < len(line) && line[i+1] != ' ' {
					return nil, fmt.Errorf("closing quote must be followed by a space: %q", line)
				}
				inDouble = false
			case inSingle && c == '\\' && i+1 < len(line) && line[i+1] == '\'':
				i++
				cur = append(cur, '\'')
			case inSingle && c == '\'':
				if i+1 < len(line) && line[i+1] != ' ' {
					return nil, fmt.Errorf("closing quote must be followed by a space: %q", line)
				}
				inSingle = false
			case inDouble || inSingle:
				cur = append(cur, c)
			case c == ' ':
				goto word
			case c == '"':
				inDouble = true
			case c == '\'':
				inSingle = true
			default:
				cur = append(cur, c)
			}
		}
		if inDouble || inSingle {
			return nil, fmt.Errorf("unbalanced quotes: %q", line)
		}
	word:
		args = append(args, string(cur))
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

// TryItProgram builds the chapter program in the test's directory,
// starts it on a free port, runs the sessions of its README.md (TryIt)
// and stops it: it must exit 0 after SIGTERM.
func TryItProgram(t *testing.T) {
	t.Helper()
	p := StartProcess(t, t.TempDir(), Build(t, "."))
	p.WaitReady(t, 20*time.Second)
	TryIt(t, "README.md", p.Port())
	if code := p.Stop(t, 20*time.Second); code != 0 {
		t.Fatalf("exit status %d after SIGTERM:\n%s", code, p.Log)
	}
}
