package main

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// options are the command-line settings (see main.go).
type options struct {
	host        string
	port        int
	user        string
	password    string
	db          int
	proto       int // 2 or 3
	raw         bool
	repeat      int // -1 = forever
	interval    time.Duration
	timeout     time.Duration // connect timeout; 0 = the system's
	exitOnError bool
	showPushes  bool
}

// session is the client's state across commands: the connection (nil
// while disconnected) and what the prompt shows (db, MULTI). One-shot,
// pipe and interactive modes all send commands through exec.
type session struct {
	opt        options
	c          *conn
	db         int
	preMultiDB int
	inMulti    bool
	out        io.Writer
	errw       io.Writer
}

func newSession(opt options, out, errw io.Writer) *session {
	return &session{opt: opt, db: opt.db, out: out, errw: errw}
}

func (s *session) addr() string {
	return net.JoinHostPort(s.opt.host, strconv.Itoa(s.opt.port))
}

// connect dials and then does what redis-cli does on every (re)connect:
// AUTH, SELECT the current db, HELLO 3. A refused AUTH, SELECT or HELLO is
// reported but leaves the connection usable, as in redis-cli.
func (s *session) connect() error {
	c, err := dial(s.addr(), s.opt.timeout)
	if err != nil {
		fmt.Fprintln(s.errw, connectError(s.addr(), err))
		return err
	}
	if err := s.setup(c); err != nil {
		c.close()
		fmt.Fprintln(s.errw, ioError(err))
		return err
	}
	s.c = c
	return nil
}

func (s *session) setup(c *conn) error {
	if s.opt.password != "" {
		args := []string{"AUTH", s.opt.password}
		if s.opt.user != "" {
			args = []string{"AUTH", s.opt.user, s.opt.password}
		}
		if err := s.setupStep(c, "AUTH failed", args); err != nil {
			return err
		}
	}
	if s.db != 0 {
		what := fmt.Sprintf("SELECT %d failed", s.db)
		if err := s.setupStep(c, what, []string{"SELECT", strconv.Itoa(s.db)}); err != nil {
			return err
		}
	}
	if s.opt.proto == 3 {
		return s.setupStep(c, "HELLO 3 failed", []string{"HELLO", "3"})
	}
	return nil
}

func (s *session) setupStep(c *conn, what string, args []string) error {
	v, err := c.do(args...)
	if err != nil {
		return err
	}
	if isError(v) {
		fmt.Fprintf(s.errw, "%s: %s\n", what, v.Str)
		if args[0] == "SELECT" {
			s.db = 0
		}
	}
	return nil
}

func (s *session) disconnect() {
	if s.c != nil {
		s.c.close()
		s.c = nil
	}
	s.inMulti = false
}

// exec runs one command line that has already been split into args: it
// sends it, prints the reply and updates the session state. errReply
// tells whether the server answered with an error; err is an I/O error
// (not printed here: each mode reacts differently).
func (s *session) exec(args []string) (errReply bool, err error) {
	if isCmd(args, "help") || isCmd(args, "?") {
		s.help(args[1:])
		return false, nil
	}
	s.c.send(args)
	if err := s.c.flush(); err != nil {
		return false, err
	}
	if streams(args) {
		return false, s.stream(args)
	}
	v, err := s.readReply()
	if err != nil {
		return false, err
	}
	s.print(v, rawByDefault(args))
	s.track(args, v)
	return isError(v), nil
}

// readReply returns the reply to the command just sent. RESP3 push
// messages (client tracking invalidations, for example) can arrive first;
// they are shown, when pushes are on, and skipped.
func (s *session) readReply() (resp.Value, error) {
	for {
		v, err := s.c.read()
		if err != nil || v.Kind != resp.KindPush {
			return v, err
		}
		s.printPush(v)
	}
}

// stream serves SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE and MONITOR: from now on
// the server talks without being asked, so every message is printed as it
// arrives until the connection ends (Ctrl-C in the prompt closes it).
func (s *session) stream(args []string) error {
	if !isCmd(args, "monitor") && !s.opt.raw {
		fmt.Fprintln(s.out, "Reading messages... (press Ctrl-C to quit)")
	}
	for {
		v, err := s.c.read()
		if err != nil {
			return err
		}
		s.print(v, false)
	}
}

// print writes one reply. Some commands (INFO, CLIENT LIST, ...) return
// text meant to be read as is; redis-cli prints those raw even on a
// terminal, and so does this client.
func (s *session) print(v resp.Value, raw bool) {
	switch {
	case raw:
		io.WriteString(s.out, formatRaw(v))
	case s.opt.raw:
		io.WriteString(s.out, formatRaw(v)+"\n")
	default:
		io.WriteString(s.out, formatTTY(v))
	}
}

func (s *session) printPush(v resp.Value) {
	if !s.opt.showPushes {
		return
	}
	if !s.opt.raw && isInvalidate(v) {
		io.WriteString(s.out, formatInvalidate(v))
		return
	}
	s.print(v, false)
}

// track follows the commands that change what the prompt shows.
func (s *session) track(args []string, v resp.Value) {
	ok := !isError(v)
	switch {
	case isCmd(args, "select") && len(args) == 2 && ok:
		s.db, _ = strconv.Atoi(args[1])
	case isCmd(args, "multi") && len(args) == 1 && ok:
		s.inMulti = true
		s.preMultiDB = s.db
	case isCmd(args, "exec") && len(args) == 1 && s.inMulti:
		s.inMulti = false
		if !ok || v.Null {
			s.db = s.preMultiDB // the transaction did not run
		}
	case isCmd(args, "discard") && len(args) == 1 && ok:
		s.inMulti = false
		s.db = s.preMultiDB
	case isCmd(args, "reset") && len(args) == 1 && ok:
		s.inMulti = false
		s.db = 0
	}
}

// prompt is redis-cli's: "127.0.0.1:6379[2](TX)> ".
func (s *session) prompt() string {
	if s.c == nil {
		return "not connected> "
	}
	p := s.addr()
	if s.db != 0 {
		p += "[" + strconv.Itoa(s.db) + "]"
	}
	if s.inMulti {
		p += "(TX)"
	}
	return p + "> "
}

func isError(v resp.Value) bool { return v.Kind == resp.KindError || v.Kind == resp.KindBlobError }

func isCmd(args []string, name string) bool {
	return len(args) > 0 && strings.EqualFold(args[0], name)
}

// streams reports whether the command turns the connection into a stream
// of messages.
func streams(args []string) bool {
	return isCmd(args, "subscribe") || isCmd(args, "psubscribe") ||
		isCmd(args, "ssubscribe") || isCmd(args, "monitor")
}

// rawByDefault lists the commands whose reply redis-cli prints raw even
// on a terminal: their reply is a text report.
func rawByDefault(args []string) bool {
	sub := func(names ...string) bool {
		for _, n := range names {
			if len(args) >= 2 && strings.EqualFold(args[1], n) {
				return true
			}
		}
		return false
	}
	switch {
	case isCmd(args, "info"):
		return true
	case isCmd(args, "debug"):
		return sub("htstats", "htstats-key")
	case isCmd(args, "memory"):
		return sub("malloc-stats", "doctor")
	case isCmd(args, "cluster"):
		return len(args) == 2 && sub("nodes", "info")
	case isCmd(args, "client"):
		return sub("list", "info")
	case isCmd(args, "latency"):
		return (len(args) == 3 && sub("graph")) || (len(args) == 2 && sub("doctor"))
	case isCmd(args, "proxy"):
		return sub("info")
	}
	return false
}

// oneShot runs the command given on the command line, -r times.
func (s *session) oneShot(args []string) int {
	if s.connect() != nil {
		return 1
	}
	defer s.disconnect()
	code := 0
	for i := 0; s.opt.repeat < 0 || i < s.opt.repeat; i++ {
		if i > 0 && s.opt.interval > 0 {
			time.Sleep(s.opt.interval) // -i: the user asked for this pause
		}
		errReply, err := s.exec(args)
		if err != nil {
			fmt.Fprintln(s.errw, ioError(err))
			return 1
		}
		if errReply && s.opt.exitOnError {
			code = 1
		}
	}
	return code
}
