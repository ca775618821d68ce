package tracking

import (
	"sort"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Subcommands are CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO,
// with Redis 7.0's arities and flags, for the owner of CLIENT to install.
func (t *Tracker) Subcommands() []*server.Command {
	const conn = server.NoScript | server.Loading | server.Stale
	return []*server.Command{
		{Name: "tracking", Arity: -3, Flags: conn, Run: t.trackingCommand},
		{Name: "caching", Arity: 3, Flags: conn, Run: t.caching},
		{Name: "getredir", Arity: 2, Flags: conn, Run: t.getRedir},
		{Name: "trackinginfo", Arity: 2, Flags: conn, Run: t.trackingInfo},
	}
}

// ClientCommand is a CLIENT command with these subcommands and CLIENT
// ID, for a server that has no other CLIENT (a chapter's program: the
// final server's admin side installs Subcommands in its own CLIENT).
// CLIENT ID is there for REDIRECT, which names a connection by its id.
func (t *Tracker) ClientCommand() *server.Command {
	const conn = server.NoScript | server.Loading | server.Stale
	sub := server.Table{}
	sub.Add(t.Subcommands()...)
	sub.Add(&server.Command{Name: "id", Arity: 2, Flags: conn, Run: func(c *server.Client) { c.W.Int(c.ID) }})
	return &server.Command{Name: "client", Arity: -2, Group: "connection", Subcommands: sub, Run: func(c *server.Client) {
		c.Error("ERR unknown subcommand '" + string(c.Args[1]) + "'. Try CLIENT HELP.")
	}}
}

// options are CLIENT TRACKING's arguments after ON or OFF.
type options struct {
	redirect                     int64
	bcast, optin, optout, noloop bool
	prefixes                     []string
}

// parseOptions reads CLIENT TRACKING's options as Redis does: REDIRECT's
// client must exist now, though it may go away later.
func (t *Tracker) parseOptions(args [][]byte) (options, string) {
	var o options
	for j := 0; j < len(args); j++ {
		more := j+1 < len(args)
		switch strings.ToLower(string(args[j])) {
		case "redirect":
			if !more {
				return o, "ERR syntax error"
			}
			j++
			if o.redirect != 0 {
				return o, "ERR A client can only redirect to a single other client"
			}
			id, ok := resp.ParseInt(args[j])
			if !ok {
				return o, "ERR value is not an integer or out of range"
			}
			if t.srv.ClientByID(id) == nil {
				return o, "ERR The client ID you want redirect to does not exist"
			}
			o.redirect = id
		case "bcast":
			o.bcast = true
		case "optin":
			o.optin = true
		case "optout":
			o.optout = true
		case "noloop":
			o.noloop = true
		case "prefix":
			if !more {
				return o, "ERR syntax error"
			}
			j++
			o.prefixes = append(o.prefixes, string(args[j]))
		default:
			return o, "ERR syntax error"
		}
	}
	return o, ""
}

// trackingCommand is CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST]
// [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP], with Redis's checks in
// Redis's order.
func (t *Tracker) trackingCommand(c *server.Client) {
	o, msg := t.parseOptions(c.Args[3:])
	if msg != "" {
		c.Error(msg)
		return
	}
	switch strings.ToLower(string(c.Args[2])) {
	case "on":
		if msg := t.checkOn(c, o); msg != "" {
			c.Error(msg)
			return
		}
		t.enable(c, o)
	case "off":
		t.disable(c)
	default:
		c.ErrSyntax()
		return
	}
	c.OK()
}

// checkOn refuses options that contradict each other or the client's
// tracking as it is.
func (t *Tracker) checkOn(c *server.Client, o options) string {
	st := t.get(c)
	switch {
	case !o.bcast && len(o.prefixes) > 0:
		return "ERR PREFIX option requires BCAST mode to be enabled"
	case st != nil && st.bcast != o.bcast:
		return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."
	case o.bcast && (o.optin || o.optout):
		return "ERR OPTIN and OPTOUT are not compatible with BCAST"
	case o.optin && o.optout:
		return "ERR You can't specify both OPTIN mode and OPTOUT mode"
	case st != nil && ((o.optin && st.optout) || (o.optout && st.optin)):
		return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
	case o.bcast:
		return prefixCollision(st, o.prefixes)
	}
	return ""
}

// prefixCollision refuses BCAST prefixes of which one starts another:
// a key under both would be announced twice (Redis's
// checkPrefixCollisionsOrReply, whose order of checks this keeps).
func prefixCollision(st *state, prefixes []string) string {
	var have []string
	if st != nil {
		have = st.prefixes
	}
	overlap := func(a, b string) bool { return strings.HasPrefix(a, b) || strings.HasPrefix(b, a) }
	for i, p := range prefixes {
		for _, h := range have {
			if overlap(p, h) {
				return "ERR Prefix '" + p + "' overlaps with an existing prefix '" + h + "'. Prefixes for a single client must not overlap."
			}
		}
		for _, q := range prefixes[i+1:] {
			if overlap(p, q) {
				return "ERR Prefix '" + p + "' overlaps with another provided prefix '" + q + "'. Prefixes for a single client must not overlap."
			}
		}
	}
	return ""
}

// enable turns tracking on, or changes it (Redis's enableTracking): the
// options replace the old ones, except BCAST prefixes, which add up.
func (t *Tracker) enable(c *server.Client, o options) {
	st := t.get(c)
	if st == nil {
		st = &state{}
		c.SetSlot(t.slot, st)
		t.clients++
	}
	st.broken = false
	st.redirect = o.redirect
	st.bcast, st.optin, st.optout, st.noloop = o.bcast, o.optin, o.optout, o.noloop
	if !o.bcast {
		return
	}
	if len(o.prefixes) == 0 {
		o.prefixes = []string{""}
	}
	for _, p := range o.prefixes {
		bs := t.prefixes[p]
		if bs == nil {
			bs = &prefix{clients: map[int64]*server.Client{}, keys: map[string]int64{}}
			t.prefixes[p] = bs
		}
		if _, ok := bs.clients[c.ID]; !ok {
			bs.clients[c.ID] = c
			st.prefixes = append(st.prefixes, p)
		}
	}
	sort.Strings(st.prefixes)
}

// disable turns tracking off (Redis's disableTracking). The keys c read
// stay in the table until they change: invalidating them then skips c.
func (t *Tracker) disable(c *server.Client) {
	st := t.get(c)
	if st == nil {
		return
	}
	for _, p := range st.prefixes {
		bs := t.prefixes[p]
		delete(bs.clients, c.ID)
		if len(bs.clients) == 0 {
			delete(t.prefixes, p)
		}
	}
	c.SetSlot(t.slot, nil)
	t.clients--
}

// caching is CLIENT CACHING YES|NO: whether the next command's reads are
// remembered, in OPTIN or OPTOUT mode.
func (t *Tracker) caching(c *server.Client) {
	st := t.get(c)
	if st == nil {
		c.Error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
		return
	}
	switch strings.ToLower(string(c.Args[2])) {
	case "yes":
		if !st.optin {
			c.Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
			return
		}
	case "no":
		if !st.optout {
			c.Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
			return
		}
	default:
		c.ErrSyntax()
		return
	}
	st.caching = true
	c.OK()
}

// getRedir is CLIENT GETREDIR: the redirect client's id, 0 for none, -1
// when tracking is off.
func (t *Tracker) getRedir(c *server.Client) {
	_, redir := t.Describe(c)
	c.W.Int(redir)
}

// trackingInfo is CLIENT TRACKINGINFO: flags (a set), redirect and
// prefixes, as Redis lists them.
func (t *Tracker) trackingInfo(c *server.Client) {
	st := t.get(c)
	flags := []string{"off"}
	var redirect int64 = -1
	var prefixes []string
	if st != nil {
		flags = []string{"on"}
		if st.bcast {
			flags = append(flags, "bcast")
		}
		if st.optin {
			flags = append(flags, "optin")
			if st.caching {
				flags = append(flags, "caching-yes")
			}
		}
		if st.optout {
			flags = append(flags, "optout")
			if st.caching {
				flags = append(flags, "caching-no")
			}
		}
		if st.noloop {
			flags = append(flags, "noloop")
		}
		if st.broken {
			flags = append(flags, "broken_redirect")
		}
		redirect, prefixes = st.redirect, st.prefixes
	}
	c.W.Map(3)
	c.W.BulkString("flags")
	c.W.Set(len(flags))
	for _, f := range flags {
		c.W.BulkString(f)
	}
	c.W.BulkString("redirect")
	c.W.Int(redirect)
	c.W.BulkString("prefixes")
	c.W.Array(len(prefixes))
	for _, p := range prefixes {
		c.W.BulkString(p)
	}
}
