package admin

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// monitor is MONITOR: from now on the client receives every command the
// server runs, one status line each, like Redis's replicationFeedMonitors.
func (a *Admin) monitor(c *server.Client) {
	st := a.state(c)
	if st.monitor {
		return // already monitoring: Redis ignores it, without a reply
	}
	st.monitor = true
	a.monitors = append(a.monitors, c)
	c.OK()
}

func (a *Admin) removeMonitor(c *server.Client) {
	for i, m := range a.monitors {
		if m == c {
			a.monitors = append(a.monitors[:i], a.monitors[i+1:]...)
			return
		}
	}
}

// Called feeds the monitors after each command (server.CallObserver).
// Like Redis 7.0 it shows commands after they ran, never admin commands
// (CONFIG, CLIENT LIST ...) or those marked skip_monitor, and hides
// passwords.
func (a *Admin) Called(c *server.Client, cmd *server.Command, _ bool) {
	if len(a.monitors) == 0 || c.Conn == nil || cmd.Flags&(server.Admin|server.SkipMonitor) != 0 {
		return
	}
	line := MonitorLine(a.srv.Now().UnixMicro(), c.DB, c.Conn.RemoteAddr(), redact(c.Args))
	for _, m := range a.monitors {
		a.srv.WriteTo(m, func(w *resp.Writer) { w.Raw(line) })
	}
}

// MonitorLine formats one MONITOR line:
// +1339518083.107412 [0 127.0.0.1:60866] "keys" "*"
func MonitorLine(usec int64, db int, addr string, args [][]byte) []byte {
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
