package admin

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// clientLine is one CLIENT LIST / CLIENT INFO line with Redis 7.0's
// fields in Redis 7.0's order, so that tools written for Redis parse it.
// Sizes Redis measures in its own buffers are reported from gocache's:
// qbuf is the unprocessed input, omem the unsent output.
func (a *Admin) clientLine(self, c *server.Client) string {
	d := a.describe(c)
	now := a.srv.Now()
	qbuf := len(c.Conn.Input())
	omem := c.Conn.Pending()
	argvMem := 0
	if c == self {
		for _, arg := range c.Args {
			argvMem += len(arg)
		}
	}
	events := "r"
	if omem > 0 {
		events = "rw"
	}
	cmd := "NULL"
	if c.LastCmd != nil {
		cmd = c.LastCmd.FullName()
	}
	proto := c.Proto
	if proto == 0 {
		proto = 2
	}
	var b strings.Builder
	field := func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(v)
	}
	num := func(k string, n int64) { field(k, strconv.FormatInt(n, 10)) }
	num("id", c.ID)
	field("addr", c.Conn.RemoteAddr())
	field("laddr", c.Conn.LocalAddr())
	num("fd", int64(c.Conn.Fd()))
	field("name", c.Name)
	num("age", int64(now.Sub(c.Created).Seconds()))
	num("idle", int64(now.Sub(c.LastActive).Seconds()))
	field("flags", a.flags(c, d))
	num("db", int64(c.DB))
	num("sub", int64(d.Sub))
	num("psub", int64(d.Psub))
	num("ssub", int64(d.Ssub))
	num("multi", int64(d.Multi))
	num("qbuf", int64(qbuf))
	num("qbuf-free", 0)
	num("argv-mem", int64(argvMem))
	num("multi-mem", int64(d.MultiMem))
	num("rbs", 0)
	num("rbp", 0)
	num("obl", 0)
	num("oll", 0)
	num("omem", int64(omem))
	num("tot-mem", int64(qbuf+omem+argvMem+d.MultiMem)+clientOverhead)
	field("events", events)
	field("cmd", cmd)
	field("user", "default")
	num("redir", d.Redir)
	num("resp", int64(proto))
	return b.String()
}

// clientOverhead approximates the memory of an idle client (its structs),
// so tot-mem is never 0 for a connected client.
const clientOverhead = 1024

// flags are CLIENT LIST's flag letters, in Redis's order; "N" for none.
func (a *Admin) flags(c *server.Client, d Desc) string {
	st := a.get(c)
	var f []byte
	if a.monitor.Monitoring(c) {
		f = append(f, 'O')
	}
	if d.PubSub && !strings.Contains(d.Flags, "P") {
		f = append(f, 'P')
	}
	f = append(f, d.Flags...)
	if c.Blocked() && !strings.Contains(d.Flags, "b") {
		f = append(f, 'b')
	}
	f = append(f, d.Tracking...)
	if c.Conn.Closing() {
		f = append(f, 'c')
	}
	if st != nil && st.noEvict {
		f = append(f, 'e')
	}
	if st != nil && st.noTouch {
		f = append(f, 'T')
	}
	if len(f) == 0 {
		return "N"
	}
	return string(f)
}
