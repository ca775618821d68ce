package servertest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A tutorial's "Try it" section shows redis-cli sessions: commands typed
// at the prompt and what redis-cli printed. TryIt replays them.
//
//   - A fenced block that holds a prompt line (127.0.0.1:6380> , in
//     database 1 127.0.0.1:6380[1]> , inside MULTI 127.0.0.1:6380(TX)> )
//     is a block of commands. Its
//     other lines are everything the terminal printed meanwhile, in order.
//   - Blocks run in the first terminal, one redis-cli connection for the
//     whole section (so SELECT, MULTI and HELLO last, as at a prompt),
//     unless a mark on a line before the fence (blank lines between are
//     fine) says otherwise:
//     <!-- session: NAME --> runs the block in the terminal NAME, opened
//     at its first block; such a block may hold output alone (messages
//     that arrived there meanwhile);
//     <!-- try: background --> runs the block's one command, which must
//     block (BLPOP ...), in a terminal of its own: TryIt waits until the
//     server counts one more blocked client, and checks the output once
//     the next block that is not in the background has run.
//   - In an expected line, "…" stands for any text (a time, a port).
//     redis-cli's "(1.52s)" after a blocking command is printed only at
//     a terminal, so those lines are not expected.

// BackgroundMark runs the next block in a terminal of its own, as a
// command that blocks.
const BackgroundMark = "<!-- try: background -->"

var (
	promptLine  = regexp.MustCompile(`^127\.0\.0\.1:\d+(\[\d+\])?(\(TX\))?> (.*)$`)
	sessionMark = regexp.MustCompile(`^<!-- session: ([a-z0-9-]+) -->$`)
	elapsed     = regexp.MustCompile(`^\(\d+\.\d+s\)$`)
)

// Block is one fenced block of a "Try it" section.
type Block struct {
	Line       int    // of the opening fence, 1-based
	Session    string // "" for the first terminal
	Background bool
	Commands   []string
	Want       []string // the lines printed, without redis-cli's timings
}

// TryItBlocks reads the blocks of the "## Try it" section of a tutorial
// that hold a prompt line or follow a mark. Other blocks (shell
// commands, logs) are left to the reader.
func TryItBlocks(md []byte) ([]Block, error) {
	var (
		blocks []Block
		in     bool   // inside the Try it section
		block  *Block // the fenced block being read
		marked bool   // block follows a mark
		mark   string // the last mark seen since the last block
	)
	for i, line := range strings.Split(string(md), "\n") {
		switch {
		case block != nil && strings.HasPrefix(line, "```"):
			if block.Background && len(block.Commands) != 1 {
				return nil, fmt.Errorf("line %d: a background block is one command", block.Line)
			}
			if marked || len(block.Commands) > 0 {
				blocks = append(blocks, *block)
			}
			block = nil
		case block != nil:
			if m := promptLine.FindStringSubmatch(line); m != nil {
				block.Commands = append(block.Commands, m[3])
			} else if !elapsed.MatchString(line) {
				block.Want = append(block.Want, line)
			}
		case strings.HasPrefix(line, "## "):
			in = strings.HasPrefix(line, "## Try it")
		case in && strings.HasPrefix(line, "```"):
			block = &Block{Line: i + 1}
			marked = mark != ""
			if m := sessionMark.FindStringSubmatch(mark); m != nil {
				block.Session = m[1]
			}
			block.Background = mark == BackgroundMark
			mark = ""
		case in && strings.TrimSpace(line) == "":
		case in:
			mark = ""
			if l := strings.TrimSpace(line); l == BackgroundMark || sessionMark.MatchString(l) {
				mark = l
			}
		}
	}
	if block != nil {
		return nil, fmt.Errorf("line %d: unterminated code block", block.Line)
	}
	return blocks, nil
}

// TryIt runs the "Try it" blocks of the tutorial at readme against the
// server on 127.0.0.1:port, in the tutorial's order, with one redis-cli
// per terminal, and fails t at the first line that differs from the
// tutorial's. Each block waits for all its lines (10 s at most), so a
// subscriber has subscribed before the next block publishes. The test is
// skipped when redis-cli is not installed.
func TryIt(t *testing.T, readme string, port int) {
	t.Helper()
	md, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := TryItBlocks(md)
	if err != nil {
		t.Fatalf("%s: %v", readme, err)
	}
	if len(blocks) == 0 {
		t.Fatalf("%s: no redis-cli session under ## Try it", readme)
	}
	bin, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed: skipping the tutorial's sessions (apt-get install redis-tools)")
	}
	r := &replay{t: t, readme: readme, bin: bin, port: strconv.Itoa(port), terms: map[string]*terminal{}}
	defer r.closeAll()
	for _, b := range blocks {
		if b.Background {
			r.background(b)
			continue
		}
		r.run(r.terminal(b.Session), b)
		for _, w := range r.waiting {
			r.expect(w.term, w.block)
		}
		r.waiting = nil
	}
	if len(r.waiting) > 0 {
		t.Fatalf("%s:%d: the last block runs in the background; nothing wakes it", readme, r.waiting[0].block.Line)
	}
	r.finish()
}

// TryItProgram builds the chapter's program (the test's package), starts
// it on a free port, runs its README.md's sessions and stops it: it must
// exit 0 after SIGTERM.
func TryItProgram(t *testing.T) {
	t.Helper()
	p := StartProcess(t, t.TempDir(), Build(t, "."))
	p.WaitReady(t, 20*time.Second)
	TryIt(t, "README.md", p.Port())
	if code := p.Stop(t, 20*time.Second); code != 0 {
		t.Fatalf("exit status %d after SIGTERM:\n%s", code, p.Log)
	}
}

// TryItRedis runs the test's README.md sessions against redis-server 7:
// the tutorial shows Redis's own output. Skipped without redis-server.
func TryItRedis(t *testing.T) {
	t.Helper()
	_, port, _ := net.SplitHostPort(StartRedis(t))
	n, _ := strconv.Atoi(port)
	TryIt(t, "README.md", n)
}

// replay is one run of a tutorial's blocks.
type replay struct {
	t       *testing.T
	readme  string
	bin     string
	port    string
	terms   map[string]*terminal
	extra   []*terminal // background terminals
	ctl     *Conn       // for INFO clients, opened by the first background block
	waiting []parked
}

type parked struct {
	term  *terminal
	block Block
}

func (r *replay) terminal(session string) *terminal {
	term := r.terms[session]
	if term == nil {
		term = openTerminal(r.t, r.bin, r.port)
		r.terms[session] = term
	}
	return term
}

// run types a block's commands and checks what the terminal prints.
func (r *replay) run(term *terminal, b Block) {
	for _, c := range b.Commands {
		io.WriteString(term.in, c+"\n")
	}
	r.expect(term, b)
}

func (r *replay) expect(term *terminal, b Block) {
	r.t.Helper()
	for i, want := range b.Want {
		got, ok := term.line(10 * time.Second)
		if !ok {
			r.t.Fatalf("%s:%d (%s): no line %d of output within 10s, want %q", r.readme, b.Line, name(b), i+1, want)
		}
		if !lineMatches(got, want) {
			r.t.Fatalf("%s:%d (%s): line %d of output is\n\t%q\nwant\n\t%q", r.readme, b.Line, name(b), i+1, got, want)
		}
	}
}

// background sends a blocking command from a terminal of its own and
// waits until the server has parked it.
func (r *replay) background(b Block) {
	r.t.Helper()
	if r.ctl == nil {
		r.ctl = Dial(r.t, net.JoinHostPort("127.0.0.1", r.port))
	}
	before := blockedClients(r.t, r.ctl)
	term := openTerminal(r.t, r.bin, r.port)
	r.extra = append(r.extra, term)
	io.WriteString(term.in, b.Commands[0]+"\n")
	WaitBlocked(r.t, r.ctl, before+1)
	r.waiting = append(r.waiting, parked{term, b})
}

// finish ends every terminal's input and fails on output the tutorial
// does not show. A redis-cli still subscribed (or monitoring) waits for
// messages whatever its input: it is stopped after 2 s and what it
// printed is not checked, since it could only be more messages.
func (r *replay) finish() {
	all := append([]*terminal(nil), r.extra...)
	names := make([]string, len(all))
	for i := range names {
		names[i] = name(Block{Background: true})
	}
	for session, term := range r.terms {
		all, names = append(all, term), append(names, name(Block{Session: session}))
	}
	for _, term := range all {
		term.in.Close()
	}
	deadline := time.Now().Add(2 * time.Second)
	for i, term := range all {
		if extra := term.finish(deadline); len(extra) > 0 {
			r.t.Errorf("%s (%s): output the tutorial does not show: %q", r.readme, names[i], extra)
		}
	}
}

func (r *replay) closeAll() {
	for _, term := range r.terms {
		term.close()
	}
	for _, term := range r.extra {
		term.close()
	}
}

func name(b Block) string {
	switch {
	case b.Background:
		return "background terminal"
	case b.Session == "":
		return "first terminal"
	}
	return "terminal " + b.Session
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

// WaitBlocked polls INFO clients on c until blocked_clients is at least
// n: a client sent a blocking command and the server parked it.
func WaitBlocked(t testing.TB, c *Conn, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for blockedClients(t, c) < n {
		if time.Now().After(deadline) {
			t.Fatalf("blocked_clients never reached %d", n)
		}
		time.Sleep(5 * time.Millisecond) // polling interval, bounded by the deadline
	}
}

// terminal is one redis-cli reading commands from a pipe. --no-raw makes
// it print replies as it does at a prompt ((integer) 1, 1) "a" ...).
type terminal struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines chan string
	done  chan struct{}
}

func openTerminal(t *testing.T, bin, port string) *terminal {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{
		cmd:   exec.Command(bin, "-h", "127.0.0.1", "-p", port, "--no-raw", "--show-pushes", "yes"),
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

// finish returns what redis-cli printed after the last block, once its
// input is closed; nil if it is still running at deadline (it is then
// stopped).
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
