package admin

import (
	"net/netip"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/outlimit"
)

// DeniedMessage is Redis 7.0's reply to a client refused by protected
// mode, word for word (typo included), so that the operator who sees it
// finds Redis's documentation for it.
const DeniedMessage = "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."

// IsLocal reports whether a peer address ("127.0.0.1:5555", "[::1]:5555")
// is on the loopback interface, as Redis's connIsLocal does.
func IsLocal(addr string) bool {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return false
	}
	return ap.Addr().Unmap().IsLoopback()
}

// Protected decides protected mode for one new client: refuse it when
// protected mode is on, the default user has no password, and the client
// is not local.
func Protected(protectedMode bool, requirePass string, local bool) bool {
	return protectedMode && requirePass == "" && !local
}

// followConfig reads the options admin enforces and applies their changes.
func (a *Admin) followConfig() {
	cfg, s := a.cfg, a.srv
	apply := map[string]func(v string){
		"maxclients":                 func(string) { a.maxClients = int(cfg.Int("maxclients")) },
		"timeout":                    func(string) { a.timeout = time.Duration(cfg.Int("timeout")) * time.Second },
		"protected-mode":             func(string) { a.protectedMode = cfg.Bool("protected-mode") },
		"requirepass":                func(string) { s.RequirePass = cfg.Get("requirepass") },
		"client-output-buffer-limit": func(string) { a.limits = cfg.Limits() },
		"proto-max-bulk-len":         func(string) { s.SetMaxBulkLen(cfg.Int("proto-max-bulk-len")) },
		"client-query-buffer-limit":  func(string) { s.QueryBufferLimit = int(cfg.Int("client-query-buffer-limit")) },
	}
	for name, fn := range apply {
		fn := fn
		fn("")
		cfg.OnChange(name, func(v string) error { fn(v); return nil })
	}
}

// installLimits hooks the limits into the server: admission (maxclients,
// protected mode), the output buffer check after every write, and the
// once-a-second cron for idle clients and soft limits.
func (a *Admin) installLimits() {
	s := a.srv
	s.UseAdmission(a)
	s.UseOutput(a)
	s.UsePause(a)
	s.Loop.Every(time.Second, a.clientsCron)
	s.Loop.BeforeSleep(a.closeDoomed)
}

// Admit is Redis's acceptCommonHandler and clientAcceptHandler checks
// (server.Admission).
func (a *Admin) Admit(c *server.Client) string {
	if a.srv.ClientCount() > a.maxClients {
		return "ERR max number of clients reached"
	}
	if Protected(a.protectedMode, a.srv.RequirePass, a.IsLocal(c.Conn.RemoteAddr())) {
		a.srv.Log.Warnf("Possible SECURITY ATTACK detected: protected mode refused a connection from %s", c.Conn.RemoteAddr())
		return DeniedMessage
	}
	return ""
}

// clientsCron is Redis's clientsCronHandleTimeout and the soft output
// limit's clock: it closes clients idle longer than timeout (not blocked,
// pub/sub or MONITOR clients, as in Redis) and clients that stayed over a
// soft output limit too long even if nothing more was written to them.
func (a *Admin) clientsCron() {
	now := a.srv.Now()
	a.sampleStats(now)
	if a.timeout > 0 {
		for _, c := range a.srv.Clients() {
			if c.Blocked() || now.Sub(c.LastActive) <= a.timeout {
				continue
			}
			if st := a.get(c); a.monitor.Monitoring(c) || st != nil && st.held {
				continue
			}
			if a.describe(c).PubSub {
				continue
			}
			a.srv.Log.Debugf("Closing idle client id=%d addr=%s", c.ID, c.Conn.RemoteAddr())
			c.Conn.CloseNow()
		}
	}
	for _, c := range a.srv.Clients() {
		if st := a.get(c); st != nil && !st.overSoft.IsZero() {
			a.checkOutput(c)
		}
	}
}

// minLimit is the smallest output size any limit cares about: below it a
// write needs no further look, which keeps the check off the fast path.
func (a *Admin) minLimit() int64 {
	m := int64(-1)
	for _, l := range []outlimit.Limit{a.limits.Normal, a.limits.Replica, a.limits.PubSub} {
		for _, v := range []int64{l.Hard, l.Soft} {
			if v > 0 && (m < 0 || v < m) {
				m = v
			}
		}
	}
	return m
}

// Wrote runs after each reply or push (server.OutputObserver): error
// statistics, then the output buffer limits.
func (a *Admin) Wrote(c *server.Client, out []byte) {
	if len(out) > 0 && (out[0] == '-' || out[0] == '!') {
		a.countError(out)
	}
	if m := a.minLimit(); m > 0 && int64(c.Conn.Pending()) >= m {
		a.checkOutput(c)
	}
}

// checkOutput is Redis's checkClientOutputBufferLimits: over the hard
// limit, or over the soft limit for longer than its seconds, the client is
// closed, as soon as the current command is done.
func (a *Admin) checkOutput(c *server.Client) {
	if c.Conn == nil || c.Conn.Closing() {
		return
	}
	l := a.limits.Normal
	if a.describe(c).PubSub {
		l = a.limits.PubSub
	}
	// The soft limit's clock lives in the client's state, made only once
	// a client is over it.
	st := a.get(c)
	var since time.Time
	if st != nil {
		since = st.overSoft
	}
	exceeded := l.Exceeded(int64(c.Conn.Pending()), &since, a.srv.Now())
	if st == nil && !since.IsZero() {
		st = a.state(c)
	}
	if st != nil {
		st.overSoft = since
	}
	if !exceeded {
		return
	}
	a.srv.Log.Warnf("Client id=%d addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.", c.ID, c.Conn.RemoteAddr())
	// Close at once stops reading and drops later writes; the descriptor is
	// released before the loop sleeps, not in the middle of a command that
	// may be walking a list of clients (PUBLISH).
	c.Conn.Close()
	a.doomed = append(a.doomed, c)
}

// closeDoomed frees the clients checkOutput condemned: their unsent output
// is dropped, since they would never read it.
func (a *Admin) closeDoomed() {
	for _, c := range a.doomed {
		c.Conn.CloseNow()
	}
	a.doomed = a.doomed[:0]
}
