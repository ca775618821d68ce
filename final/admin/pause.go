package admin

import (
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/reactor"
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// pause is CLIENT PAUSE's state: until when, and whether every command or
// only writes wait.
type pause struct {
	until time.Time
	all   bool
	timer *reactor.Timer
	held  []*server.Client
}

// clientPause is CLIENT PAUSE milliseconds [WRITE|ALL]. A second pause can
// only lengthen the current one or widen it from WRITE to ALL, as in Redis.
func (a *Admin) clientPause(c *server.Client) {
	ms, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error("ERR timeout is not an integer or out of range")
		return
	}
	if ms < 0 {
		c.Error("ERR timeout is negative")
		return
	}
	all := true
	if len(c.Args) == 4 {
		switch strings.ToLower(string(c.Args[3])) {
		case "write":
			all = false
		case "all":
		default:
			c.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	} else if len(c.Args) > 4 {
		c.ErrSyntax()
		return
	}
	p := &a.pause
	until := a.srv.Now().Add(time.Duration(ms) * time.Millisecond)
	active := a.paused()
	if !active || all {
		p.all = all || (active && p.all)
	}
	if until.After(p.until) {
		p.until = until
		if p.timer != nil {
			p.timer.Stop()
		}
		p.timer = a.srv.Loop.After(time.Duration(ms)*time.Millisecond, a.unpause)
	}
	c.OK()
}

// paused reports whether a pause is in effect.
func (a *Admin) paused() bool { return !a.pause.until.IsZero() }

// Postpone is the server.Pause method: during a pause, a command that
// must wait blocks its client; it runs when the pause ends. Writes wait
// in WRITE mode, everything in ALL mode (Redis's blockPostponeClient).
func (a *Admin) Postpone(c *server.Client, mayReplicate bool) bool {
	if !a.paused() || (!a.pause.all && !mayReplicate) {
		return false
	}
	c.Block()
	a.state(c).held = true
	a.pause.held = append(a.pause.held, c)
	return true
}

// unpause ends the pause and lets the held clients run their commands.
func (a *Admin) unpause() {
	p := &a.pause
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.until = time.Time{}
	p.all = false
	for _, c := range p.held {
		if st := a.get(c); st != nil {
			st.held = false
		}
		c.Unblock()
	}
	p.held = p.held[:0]
}

// drop forgets a held client that went away.
func (p *pause) drop(c *server.Client) {
	for i, h := range p.held {
		if h == c {
			p.held = append(p.held[:i], p.held[i+1:]...)
			return
		}
	}
}
