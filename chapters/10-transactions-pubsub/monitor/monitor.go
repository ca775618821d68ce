// Package monitor is MONITOR: a client that sends it receives, from then
// on, every command the server runs, one status line each, as Redis's
// replicationFeedMonitors gives them. It is a debugging window onto the
// command path, and a lesson in what that path sees: commands after they
// ran, with their database and client address.
//
// Everything here runs on the loop goroutine.
package monitor

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Monitor holds the monitoring clients of a server.
type Monitor struct {
	srv     *server.Server
	slot    server.Slot // true for a client that monitors
	clients []*server.Client
}

// Register adds MONITOR to s and observes every call to feed the
// monitors.
func Register(s *server.Server) *Monitor {
	m := &Monitor{srv: s}
	m.slot = s.NewSlot(m)
	s.Commands.Add(&server.Command{Name: "monitor", Arity: 1, Flags: server.Admin | server.NoScript | server.Loading | server.Stale,
		Group: "server", Run: m.monitor})
	s.ObserveCalls(m)
	return m
}

// Monitoring reports whether c is a monitor (CLIENT LIST's flag O; the
// idle timeout spares it).
func (m *Monitor) Monitoring(c *server.Client) bool { return c.Slot(m.slot) != nil }

// monitor is MONITOR.
func (m *Monitor) monitor(c *server.Client) {
	if m.Monitoring(c) {
		return // already monitoring: Redis ignores it, without a reply
	}
	c.SetSlot(m.slot, true)
	m.clients = append(m.clients, c)
	c.OK()
}

// Reset stops c monitoring (server.ClientState): a client that went away,
// or RESET.
func (m *Monitor) Reset(c *server.Client) {
	for i, x := range m.clients {
		if x == c {
			m.clients = append(m.clients[:i], m.clients[i+1:]...)
			break
		}
	}
	c.SetSlot(m.slot, nil)
}

// Called feeds the monitors after each command (server.CallObserver).
// Like Redis 7.0 it shows commands after they ran, never admin commands
// (CONFIG, CLIENT LIST ...) or those marked skip_monitor, and hides
// passwords.
func (m *Monitor) Called(c *server.Client, cmd *server.Command, _ bool) {
	if len(m.clients) == 0 || c.Conn == nil || cmd.Flags&(server.Admin|server.SkipMonitor) != 0 {
		return
	}
	line := Line(m.srv.Now().UnixMicro(), c.DB, c.Conn.RemoteAddr(), redact(c.Args))
	for _, x := range m.clients {
		m.srv.WriteTo(x, func(w *resp.Writer) { w.Raw(line) })
	}
}

// Line formats one MONITOR line:
// +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"
func Line(usec int64, db int, addr string, args [][]byte) []byte {
	b := make([]byte, 0, 64)
	b = append(b, '+')
	b = strconv.AppendInt(b, usec/1e6, 10)
	b = append(b, '.')
	frac := strconv.FormatInt(usec%1e6, 10)
	b = append(b, strings.Repeat("0", 6-len(frac))...)
	b = append(b, frac...)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	b = append(b, addr...)
	b = append(b, "] "...)
	for i, arg := range args {
		if i > 0 {
			b = append(b, ' ')
		}
		b = resp.AppendRepr(b, arg)
	}
	return append(b, '\r', '\n')
}

var redacted = []byte("(redacted)")

// redact hides AUTH's arguments and HELLO's AUTH user and password, as
// Redis's redactClientCommandArgument does.
func redact(args [][]byte) [][]byte {
	name := strings.ToLower(string(args[0]))
	if name != "auth" && name != "hello" {
		return args
	}
	out := append([][]byte(nil), args...)
	if name == "auth" {
		for i := 1; i < len(out); i++ {
			out[i] = redacted
		}
		return out
	}
	for i := 1; i+2 < len(out); i++ {
		if strings.EqualFold(string(out[i]), "auth") {
			out[i+1], out[i+2] = redacted, redacted
			i += 2
		}
	}
	return out
}
