// Package pubsub is Redis's publish/subscribe: SUBSCRIBE, PSUBSCRIBE,
// their UNSUBSCRIBE pairs, PUBLISH and PUBSUB, registered on a
// server.Server. Messages go straight into the subscribers' output
// buffers; a subscriber that does not read them is disconnected by the
// pubsub class of client-output-buffer-limit instead of making the
// server's memory grow.
//
// Everything here runs on the loop goroutine: the subscription tables
// have one owner and no locks.
package pubsub

import (
	"sort"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/glob"
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// PubSub holds every subscription of a server.
type PubSub struct {
	// Limit is the pubsub class of client-output-buffer-limit. The
	// client-output-buffer-limit parameter Register installs sets it; a
	// shell that owns that parameter itself assigns it instead.
	Limit Limit

	srv      *server.Server
	slot     server.Slot
	channels map[string]*subscribers
	patterns map[string]*subscribers
	shards   map[string]*subscribers // shard channels: SSUBSCRIBE, SPUBLISH
	patOrder []string                // patterns in the order first subscribed: PUBLISH tries them in this order
	others   []Limit                 // normal and replica classes, kept for CONFIG GET
	cut      []*server.Client        // subscribers over the limit, closed before the loop sleeps
}

// subscribers of one channel or pattern, in subscription order (the order
// PUBLISH delivers in, as Redis's list).
type subscribers struct {
	clients []*server.Client
}

// client is one subscriber's state, kept in its server.Slot while it has
// at least one subscription: a client that never subscribes costs nothing.
type client struct {
	channels  names
	shards    names // shard channels (SSUBSCRIBE)
	patterns  names
	softSince time.Time // when its output first stayed above the soft limit; zero when below
}

// names is an insertion-ordered set: UNSUBSCRIBE without arguments answers
// in the order the client subscribed.
type names struct {
	order []string
	has   map[string]bool
}

func (n *names) add(s string) bool {
	if n.has[s] {
		return false
	}
	if n.has == nil {
		n.has = map[string]bool{}
	}
	n.has[s] = true
	n.order = append(n.order, s)
	return true
}

func (n *names) remove(s string) bool {
	if !n.has[s] {
		return false
	}
	delete(n.has, s)
	for i, x := range n.order {
		if x == s {
			n.order = append(n.order[:i], n.order[i+1:]...)
			break
		}
	}
	return true
}

// Register adds the pub/sub commands to s, takes the subscriptions'
// place on its command path (the server refuses other commands from a
// RESP2 subscriber), extends PING for subscribed mode, and adds the
// client-output-buffer-limit parameter.
func Register(s *server.Server) *PubSub {
	ps := &PubSub{
		Limit:    DefaultLimit,
		srv:      s,
		channels: map[string]*subscribers{},
		patterns: map[string]*subscribers{},
		shards:   map[string]*subscribers{},
		others:   []Limit{{}, {Hard: 256 << 20, Soft: 64 << 20, SoftSeconds: 60}},
	}
	const flags = server.PubSub | server.NoScript | server.Loading | server.Stale
	s.Commands.Add(
		&server.Command{Name: "subscribe", Arity: -2, Flags: flags, Group: "pubsub", Run: ps.subscribe},
		&server.Command{Name: "unsubscribe", Arity: -1, Flags: flags, Group: "pubsub", Run: ps.unsubscribe},
		&server.Command{Name: "psubscribe", Arity: -2, Flags: flags, Group: "pubsub", Run: ps.psubscribe},
		&server.Command{Name: "punsubscribe", Arity: -1, Flags: flags, Group: "pubsub", Run: ps.punsubscribe},
		&server.Command{Name: "publish", Arity: 3, Flags: server.PubSub | server.Loading | server.Stale | server.Fast | server.MayReplicate,
			Group: "pubsub", Run: ps.publish},
		&server.Command{Name: "ssubscribe", Arity: -2, Flags: flags, FirstKey: 1, LastKey: -1, Step: 1, Group: "pubsub", Run: ps.ssubscribe},
		&server.Command{Name: "sunsubscribe", Arity: -1, Flags: flags, FirstKey: 1, LastKey: -1, Step: 1, Group: "pubsub", Run: ps.sunsubscribe},
		&server.Command{Name: "spublish", Arity: 3, Flags: server.PubSub | server.Loading | server.Stale | server.Fast | server.MayReplicate,
			FirstKey: 1, LastKey: 1, Step: 1, Group: "pubsub", Run: ps.spublish},
		ps.pubsubCommand(),
	)
	ps.slot = s.NewSlot(ps)
	if ping := s.Commands["ping"]; ping != nil {
		s.Commands.Replace(ps.wrapPing(ping))
	}
	s.UseSubscriptions(ps)
	s.Loop.BeforeSleep(ps.closeCut)
	// A shell with its own configuration registry may own the parameter
	// already; it then sets Limit itself.
	if s.Config.Lookup("client-output-buffer-limit") == nil {
		s.Config.Add(ps.Param())
	}
	return ps
}

// Channels is the number of channels with subscribers (INFO's
// pubsub_channels); Patterns the number of patterns (pubsub_patterns).
func (ps *PubSub) Channels() int { return len(ps.channels) }

// Patterns is the number of patterns with subscribers.
func (ps *PubSub) Patterns() int { return len(ps.patterns) }

// state returns the client's subscriptions, nil if it has none.
func (ps *PubSub) state(c *server.Client) *client {
	st, _ := c.Slot(ps.slot).(*client)
	return st
}

// Count is the number of channels and patterns c is subscribed to (the
// count in every confirmation; CLIENT LIST's sub and psub).
func (ps *PubSub) Count(c *server.Client) (channels, patterns int) {
	if st := ps.state(c); st != nil {
		return len(st.channels.order), len(st.patterns.order)
	}
	return 0, 0
}

// Subscribed reports whether c has a subscription: in RESP2 it is then in
// subscribed mode, and its client type is "pubsub".
func (ps *PubSub) Subscribed(c *server.Client) bool { return ps.state(c) != nil }

func (st *client) count() int64 { return int64(len(st.channels.order) + len(st.patterns.order)) }

// Shards is CLIENT LIST's ssub: the shard channels c is subscribed to.
func (ps *PubSub) Shards(c *server.Client) int {
	if st := ps.state(c); st != nil {
		return len(st.shards.order)
	}
	return 0
}

// ShardChannels is INFO's pubsubshard_channels: shard channels with
// subscribers.
func (ps *PubSub) ShardChannels() int { return len(ps.shards) }

// wrapPing answers PING of a RESP2 subscriber as a message-shaped array,
// ["pong", message], as Redis does; anything else goes to PING itself.
func (ps *PubSub) wrapPing(ping *server.Command) *server.Command {
	wrapped := *ping
	run := ping.Run
	wrapped.Run = func(c *server.Client) {
		if c.Proto != 2 || ps.state(c) == nil || len(c.Args) > 2 {
			run(c)
			return
		}
		c.W.Array(2)
		c.W.BulkString("pong")
		if len(c.Args) == 2 {
			c.W.Bulk(c.Args[1])
		} else {
			c.W.BulkString("")
		}
	}
	return &wrapped
}

// confirm writes one (un)subscribe confirmation: kind, channel (null for
// an UNSUBSCRIBE with nothing to leave), and the client's count.
func confirm(w *resp.Writer, kind string, name *string, count int64) {
	w.Push(3)
	w.BulkString(kind)
	if name == nil {
		w.Null()
	} else {
		w.BulkString(*name)
	}
	w.Int(count)
}

// attach returns c's state, creating it for a first subscription.
func (ps *PubSub) attach(c *server.Client) *client {
	st := ps.state(c)
	if st == nil {
		st = &client{}
		c.SetSlot(ps.slot, st)
	}
	return st
}

// detach drops c's state once it has no subscription left, which ends
// RESP2 subscribed mode.
func (ps *PubSub) detach(c *server.Client, st *client) {
	if st.count() == 0 && len(st.shards.order) == 0 && ps.state(c) != nil {
		c.SetSlot(ps.slot, nil)
	}
}

func (ps *PubSub) subscribe(c *server.Client) {
	st := ps.attach(c)
	for _, arg := range c.Args[1:] {
		ch := string(arg)
		if st.channels.add(ch) {
			ps.join(ps.channels, ch, c)
		}
		confirm(c.W, "subscribe", &ch, st.count())
	}
}

func (ps *PubSub) psubscribe(c *server.Client) {
	st := ps.attach(c)
	for _, arg := range c.Args[1:] {
		pat := string(arg)
		if st.patterns.add(pat) {
			if ps.patterns[pat] == nil {
				ps.patOrder = append(ps.patOrder, pat)
			}
			ps.join(ps.patterns, pat, c)
		}
		confirm(c.W, "psubscribe", &pat, st.count())
	}
}

// ssubscribe is SSUBSCRIBE shardchannel ...: in a standalone server, a
// channel namespace of its own, whose replies count only shard channels.
func (ps *PubSub) ssubscribe(c *server.Client) {
	st := ps.attach(c)
	for _, arg := range c.Args[1:] {
		ch := string(arg)
		if st.shards.add(ch) {
			ps.join(ps.shards, ch, c)
		}
		confirm(c.W, "ssubscribe", &ch, int64(len(st.shards.order)))
	}
}

// sunsubscribe is SUNSUBSCRIBE [shardchannel ...].
func (ps *PubSub) sunsubscribe(c *server.Client) {
	st := ps.state(c)
	if st == nil {
		st = &client{}
	}
	list := make([]string, 0, len(c.Args)-1)
	for _, a := range c.Args[1:] {
		list = append(list, string(a))
	}
	if len(list) == 0 {
		list = append(list, st.shards.order...)
		if len(list) == 0 {
			confirm(c.W, "sunsubscribe", nil, 0)
		}
	}
	for _, name := range list {
		if st.shards.remove(name) {
			ps.part(ps.shards, name, c, false)
		}
		confirm(c.W, "sunsubscribe", &name, int64(len(st.shards.order)))
	}
	ps.detach(c, st)
}

// spublish is SPUBLISH shardchannel message: the shard channel's
// subscribers get an smessage; patterns do not see it.
func (ps *PubSub) spublish(c *server.Client) {
	var n int64
	if subs := ps.shards[string(c.Args[1])]; subs != nil {
		m := &message{kind: "smessage", channel: c.Args[1], data: c.Args[2]}
		for _, sub := range subs.clients {
			ps.deliver(sub, m)
			n++
		}
	}
	c.W.Int(n)
}

func (ps *PubSub) unsubscribe(c *server.Client) {
	ps.leave(c, false, c.Args[1:], true)
}

func (ps *PubSub) punsubscribe(c *server.Client) {
	ps.leave(c, true, c.Args[1:], true)
}

// leave unsubscribes c from the named channels (patterns), or from all of
// them when none are named, confirming each when reply is set.
func (ps *PubSub) leave(c *server.Client, pattern bool, args [][]byte, reply bool) {
	kind, table := "unsubscribe", ps.channels
	if pattern {
		kind, table = "punsubscribe", ps.patterns
	}
	st := ps.state(c)
	if st == nil {
		st = &client{}
	}
	set := &st.channels
	if pattern {
		set = &st.patterns
	}
	var list []string
	if len(args) == 0 {
		list = append(list, set.order...)
		if len(list) == 0 && reply {
			confirm(c.W, kind, nil, st.count())
		}
	} else {
		for _, a := range args {
			list = append(list, string(a))
		}
	}
	for _, name := range list {
		if set.remove(name) {
			ps.part(table, name, c, pattern)
		}
		if reply {
			confirm(c.W, kind, &name, st.count())
		}
	}
	ps.detach(c, st)
}

// join adds c to the subscribers of name.
func (ps *PubSub) join(table map[string]*subscribers, name string, c *server.Client) {
	subs := table[name]
	if subs == nil {
		subs = &subscribers{}
		table[name] = subs
	}
	subs.clients = append(subs.clients, c)
}

// part removes c from the subscribers of name, and name itself when
// nobody is left (PUBSUB CHANNELS lists active channels only).
func (ps *PubSub) part(table map[string]*subscribers, name string, c *server.Client, pattern bool) {
	subs := table[name]
	if subs == nil {
		return
	}
	for i, x := range subs.clients {
		if x == c {
			subs.clients = append(subs.clients[:i], subs.clients[i+1:]...)
			break
		}
	}
	if len(subs.clients) > 0 {
		return
	}
	delete(table, name)
	if pattern {
		for i, p := range ps.patOrder {
			if p == name {
				ps.patOrder = append(ps.patOrder[:i], ps.patOrder[i+1:]...)
				break
			}
		}
	}
}

// forget drops every subscription of a client that went away.
func (ps *PubSub) forget(c *server.Client) {
	if ps.state(c) == nil {
		return
	}
	ps.leave(c, false, nil, false)
	ps.leave(c, true, nil, false)
	if st := ps.state(c); st != nil {
		for _, name := range st.shards.order {
			ps.part(ps.shards, name, c, false)
		}
		c.SetSlot(ps.slot, nil)
	}
}

// Reset unsubscribes c from everything without replying (RESET, and a
// client that went away): the server.ClientState method.
func (ps *PubSub) Reset(c *server.Client) { ps.forget(c) }

// message is one PUBLISH's payload encoded once per protocol, so that a
// message to many subscribers is built at most twice.
type message struct {
	kind          string
	pattern       []byte
	channel, data []byte
	enc           [2][]byte // RESP2, RESP3
}

func (m *message) bytes(proto int) []byte {
	i := 0
	if proto >= 3 {
		i = 1
	}
	if m.enc[i] == nil {
		w := resp.Writer{Proto: proto}
		switch {
		case m.pattern != nil:
			w.Push(4)
			w.BulkString("pmessage")
			w.Bulk(m.pattern)
		case m.kind != "":
			w.Push(3)
			w.BulkString(m.kind)
		default:
			w.Push(3)
			w.BulkString("message")
		}
		w.Bulk(m.channel)
		w.Bulk(m.data)
		m.enc[i] = w.B
	}
	return m.enc[i]
}

// publish is PUBLISH channel message: the subscribers of the channel get
// it, then those of every matching pattern; the reply counts deliveries.
func (ps *PubSub) publish(c *server.Client) {
	c.W.Int(ps.Publish(c.Args[1], c.Args[2]))
}

// Publish delivers a message and returns how many clients received it (a
// client subscribed to the channel and to a matching pattern counts
// twice). Subscribers pushed over their output buffer limit are
// disconnected.
func (ps *PubSub) Publish(channel, data []byte) int64 {
	var n int64
	if subs := ps.channels[string(channel)]; subs != nil {
		m := &message{channel: channel, data: data}
		for _, sub := range subs.clients {
			ps.deliver(sub, m)
			n++
		}
	}
	for _, pat := range ps.patOrder {
		if !glob.Match([]byte(pat), channel, false) {
			continue
		}
		m := &message{pattern: []byte(pat), channel: channel, data: data}
		for _, sub := range ps.patterns[pat].clients {
			ps.deliver(sub, m)
			n++
		}
	}
	return n
}

// deliver writes a message to a subscriber and checks its output buffer
// limit, the way Redis checks it whenever it adds to a client's output.
func (ps *PubSub) deliver(sub *server.Client, m *message) {
	if sub.Conn.Closing() {
		return
	}
	b := m.bytes(sub.Proto)
	ps.srv.WriteTo(sub, func(w *resp.Writer) { w.Raw(b) })
	st := ps.state(sub)
	if st != nil && ps.Limit.Exceeded(int64(sub.Conn.Pending()), &st.softSince, ps.srv.Now()) {
		ps.srv.Log.Warnf("Client id=%d addr=%s scheduled to be closed ASAP for overcoming of output buffer limits.", sub.ID, sub.Conn.RemoteAddr())
		sub.Conn.Close() // takes no more output from now on
		ps.cut = append(ps.cut, sub)
	}
}

// closeCut frees the subscribers deliver found over their limit, dropping
// their unsent output (they would never read it). Like Redis's
// freeClientAsync it waits until the loop is about to sleep: closing a
// client unsubscribes it, which must not happen while PUBLISH, or anyone
// else, walks a list of clients.
func (ps *PubSub) closeCut() {
	for _, sub := range ps.cut {
		sub.Conn.CloseNow()
	}
	ps.cut = ps.cut[:0]
}

// pubsubCommand is PUBSUB CHANNELS | NUMSUB | NUMPAT | HELP.
func (ps *PubSub) pubsubCommand() *server.Command {
	const flags = server.PubSub | server.Loading | server.Stale
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "channels", Arity: -2, Flags: flags, Run: func(c *server.Client) { ps.listChannels(c, ps.channels) }},
		&server.Command{Name: "numsub", Arity: -2, Flags: flags, Run: func(c *server.Client) { ps.countSubscribers(c, ps.channels) }},
		&server.Command{Name: "numpat", Arity: 2, Flags: flags, Run: func(c *server.Client) { c.W.Int(int64(len(ps.patterns))) }},
		&server.Command{Name: "shardchannels", Arity: -2, Flags: flags, Run: func(c *server.Client) { ps.listChannels(c, ps.shards) }},
		&server.Command{Name: "shardnumsub", Arity: -2, Flags: flags, Run: func(c *server.Client) { ps.countSubscribers(c, ps.shards) }},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Run: help},
	)
	return &server.Command{Name: "pubsub", Arity: -2, Group: "pubsub", Subcommands: sub, Run: func(c *server.Client) {
		c.Error("ERR unknown subcommand '" + truncate(c.Args[1]) + "'. Try PUBSUB HELP.")
	}}
}

// truncate cuts a name quoted in an error to Redis's 128 bytes.
func truncate(b []byte) string {
	return string(b[:min(len(b), 128)])
}

// listChannels is PUBSUB CHANNELS [pattern] (and SHARDCHANNELS over the
// shard channels): the channels with at least one subscriber, sorted
// (Redis's order is its hash table's).
func (ps *PubSub) listChannels(c *server.Client, table map[string]*subscribers) {
	if len(c.Args) > 3 {
		c.Error("ERR unknown subcommand or wrong number of arguments for '" + truncate(c.Args[1]) + "'. Try PUBSUB HELP.")
		return
	}
	var list []string
	for ch := range table {
		if len(c.Args) == 2 || glob.MatchString(string(c.Args[2]), ch, false) {
			list = append(list, ch)
		}
	}
	sort.Strings(list)
	c.W.Array(len(list))
	for _, ch := range list {
		c.W.BulkString(ch)
	}
}

// countSubscribers is PUBSUB NUMSUB [channel ...] (and SHARDNUMSUB over
// the shard channels): each channel and its number of subscribers
// (pattern subscriptions not counted).
func (ps *PubSub) countSubscribers(c *server.Client, table map[string]*subscribers) {
	c.W.Array(2 * (len(c.Args) - 2))
	for _, ch := range c.Args[2:] {
		c.W.Bulk(ch)
		n := 0
		if subs := table[string(ch)]; subs != nil {
			n = len(subs.clients)
		}
		c.W.Int(int64(n))
	}
}

func help(c *server.Client) {
	server.ReplyHelp(c,
		"CHANNELS [<pattern>]",
		"    Return the currently active channels matching a <pattern> (default: '*').",
		"NUMPAT",
		"    Return number of subscriptions to patterns.",
		"NUMSUB [<channel> ...]",
		"    Return the number of subscribers for the specified channels, excluding",
		"    pattern subscriptions(default: no channels).",
		"SHARDCHANNELS [<pattern>]",
		"    Return the currently active shard level channels matching a <pattern> (default: '*').",
		"SHARDNUMSUB [<shardchannel> ...]",
		"    Return the number of subscribers for the specified shard level channel(s)",
	)
}
