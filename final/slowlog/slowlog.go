// Package slowlog is Redis's SLOWLOG (slowlog.c): the last commands that
// took longer than slowlog-log-slower-than microseconds to run, newest
// first, at most slowlog-max-len of them. The time is the command's own
// execution, as the command path measured it (server.CallDuration), not
// the time it waited to be read or for its reply to be written.
//
// Everything here runs on the loop goroutine.
package slowlog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Redis's limits on what one entry keeps of a command.
const (
	maxArgs   = 32  // SLOWLOG_ENTRY_MAX_ARGC
	maxString = 128 // SLOWLOG_ENTRY_MAX_STRING
)

// Log is the slow log of one server.
type Log struct {
	// SlowerThan is slowlog-log-slower-than: a call that took this long
	// or longer is logged; negative turns the log off.
	SlowerThan time.Duration
	// MaxLen is slowlog-max-len: older entries are dropped past it.
	MaxLen int

	srv     *server.Server
	entries []entry // oldest first
	nextID  int64
}

// entry is one logged command.
type entry struct {
	id       int64
	time     int64 // unix seconds
	duration int64 // microseconds
	args     [][]byte
	peer     string
	name     string
}

// Register adds SLOWLOG to s and starts logging its calls, with Redis's
// defaults (10000 microseconds, 128 entries).
func Register(s *server.Server) *Log {
	l := &Log{SlowerThan: 10 * time.Millisecond, MaxLen: 128, srv: s}
	const flags = server.Admin | server.Loading | server.Stale
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "get", Arity: -2, Flags: flags, Run: l.get},
		&server.Command{Name: "len", Arity: 2, Flags: flags, Run: func(c *server.Client) { c.W.Int(int64(len(l.entries))) }},
		&server.Command{Name: "reset", Arity: 2, Flags: flags, Run: l.reset},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Run: help},
	)
	s.Commands.Add(&server.Command{Name: "slowlog", Arity: -2, Group: "server", Subcommands: sub, Run: unknownSubcommand})
	s.ObserveCalls(l)
	return l
}

// Called logs a call that was slow enough (server.CallObserver), as
// Redis's call() does: EXEC's queued commands one by one, EXEC itself
// not (it is skip_slowlog), and a command that blocked not yet.
func (l *Log) Called(c *server.Client, cmd *server.Command, _ bool) {
	if l.SlowerThan < 0 || cmd.Flags&server.SkipSlowlog != 0 || c.Blocked() || c.Conn == nil {
		return
	}
	took := l.srv.CallDuration()
	if took < l.SlowerThan {
		return
	}
	l.nextID++
	l.entries = append(l.entries, entry{
		id:       l.nextID - 1,
		time:     l.srv.Now().Unix(),
		duration: took.Microseconds(),
		args:     kept(redact(c.Args)),
		peer:     c.Conn.RemoteAddr(),
		name:     c.Name,
	})
	l.trim()
}

// trim drops the oldest entries past MaxLen.
func (l *Log) trim() {
	if over := len(l.entries) - l.MaxLen; over > 0 {
		clear(l.entries[:over])
		l.entries = l.entries[over:]
	}
}

// kept copies what an entry keeps of a command's arguments (they point
// into the input buffer): at most 32, the last one then saying how many
// more there were, each at most 128 bytes and the number of bytes cut.
func kept(args [][]byte) [][]byte {
	n := min(len(args), maxArgs)
	out := make([][]byte, n)
	for j := range n {
		switch a := args[j]; {
		case n != len(args) && j == n-1:
			out[j] = fmt.Appendf(nil, "... (%d more arguments)", len(args)-n+1)
		case len(a) > maxString:
			out[j] = fmt.Appendf(append([]byte(nil), a[:maxString]...), "... (%d more bytes)", len(a)-maxString)
		default:
			out[j] = append([]byte(nil), a...)
		}
	}
	return out
}

var redacted = []byte("(redacted)")

// redact hides the secrets Redis keeps out of the slow log: AUTH's
// arguments, HELLO's AUTH user and password, and the values of CONFIG SET
// requirepass and masterauth (Redis's redactClientCommandArgument).
func redact(args [][]byte) [][]byte {
	hide := func(from, to int) [][]byte {
		out := append([][]byte(nil), args...)
		for j := from; j < to && j < len(out); j++ {
			out[j] = redacted
		}
		return out
	}
	name := strings.ToLower(string(args[0]))
	switch {
	case name == "auth":
		return hide(1, len(args))
	case name == "hello":
		for j := 2; j+2 < len(args); j++ {
			if strings.EqualFold(string(args[j]), "auth") {
				args = hide(j+1, j+3)
				j += 2
			}
		}
	case name == "config" && len(args) > 2 && strings.EqualFold(string(args[1]), "set"):
		for j := 2; j+1 < len(args); j += 2 {
			switch strings.ToLower(string(args[j])) {
			case "requirepass", "masterauth", "masteruser":
				args = hide(j+1, j+2)
			}
		}
	}
	return args
}

// get is SLOWLOG GET [count]: the newest count entries (10 by default,
// -1 for all).
func (l *Log) get(c *server.Client) {
	if len(c.Args) > 3 {
		unknownSubcommand(c)
		return
	}
	count := int64(10)
	if len(c.Args) == 3 {
		n, ok := resp.ParseInt(c.Args[2])
		if !ok || n < -1 {
			c.Error("ERR count should be greater than or equal to -1")
			return
		}
		count = n
	}
	if count == -1 || count > int64(len(l.entries)) {
		count = int64(len(l.entries))
	}
	c.W.Array(int(count))
	for i := len(l.entries) - 1; i >= len(l.entries)-int(count); i-- {
		e := &l.entries[i]
		c.W.Array(6)
		c.W.Int(e.id)
		c.W.Int(e.time)
		c.W.Int(e.duration)
		c.W.Array(len(e.args))
		for _, a := range e.args {
			c.W.Bulk(a)
		}
		c.W.BulkString(e.peer)
		c.W.BulkString(e.name)
	}
}

// reset is SLOWLOG RESET: the entries go; their ids keep counting.
func (l *Log) reset(c *server.Client) {
	clear(l.entries)
	l.entries = l.entries[:0]
	c.OK()
}

func help(c *server.Client) {
	server.ReplyHelp(c,
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.",
	)
}

// unknownSubcommand is Redis's addReplySubcommandSyntaxError.
func unknownSubcommand(c *server.Client) {
	c.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try SLOWLOG HELP.")
}

// SetSlowerThan is CONFIG SET slowlog-log-slower-than, in microseconds.
func (l *Log) SetSlowerThan(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	l.SlowerThan = time.Duration(n) * time.Microsecond
	return err
}

// SetMaxLen is CONFIG SET slowlog-max-len.
func (l *Log) SetMaxLen(v string) error {
	n, err := strconv.Atoi(v)
	l.MaxLen = n
	l.trim()
	return err
}
