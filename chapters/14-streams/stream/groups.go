package stream

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// subcommandSyntax is addReplySubcommandSyntaxError.
func subcommandSyntax(c *server.Client) {
	c.Error("ERR unknown subcommand or wrong number of arguments for '" + truncate(string(c.Args[1]), 128) +
		"'. Try " + strings.ToUpper(string(c.Args[0])) + " HELP.")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// unknownSubcommand is the reply to a subcommand the container lacks.
func unknownSubcommand(c *server.Client) {
	c.Error("ERR unknown subcommand '" + truncate(string(c.Args[1]), 128) + "'. Try " + strings.ToUpper(string(c.Args[0])) + " HELP.")
}

func (sc *Commands) xgroupCommand() *server.Command {
	const w, oom = server.Write, server.DenyOOM
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "create", Arity: -5, Flags: w | oom, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xgroup},
		&server.Command{Name: "setid", Arity: -5, Flags: w, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xgroup},
		&server.Command{Name: "destroy", Arity: 4, Flags: w, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xgroup},
		&server.Command{Name: "createconsumer", Arity: 5, Flags: w | oom, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xgroup},
		&server.Command{Name: "delconsumer", Arity: 5, Flags: w, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xgroup},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Group: "stream", Run: xgroupHelp},
	)
	return &server.Command{Name: "xgroup", Arity: -2, Group: "stream", Subcommands: sub, Run: unknownSubcommand}
}

func xgroupHelp(c *server.Client) {
	server.ReplyHelp(c,
		"CREATE <key> <groupname> <id|$> [option]",
		"    Create a new consumer group. Options are:",
		"    * MKSTREAM",
		"      Create the empty stream if it does not exist.",
		"    * ENTRIESREAD entries_read",
		"      Set the group's entries_read counter (internal use).",
		"CREATECONSUMER <key> <groupname> <consumer>",
		"    Create a new consumer in the specified group.",
		"DELCONSUMER <key> <groupname> <consumer>",
		"    Remove the specified consumer.",
		"DESTROY <key> <groupname>",
		"    Remove the specified group.",
		"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
		"    Set the current group ID and entries_read counter.",
	)
}

// xgroup is xgroupCommand: CREATE, SETID, DESTROY, CREATECONSUMER and
// DELCONSUMER share the key and group checks, in Redis's order.
func (sc *Commands) xgroup(c *server.Client) {
	opt := c.Args[1]
	mkstream := false
	entriesRead := int64(invalidEntriesRead)
	create := cmdarg.Is(opt, "create")
	if create {
		for i := 5; i < len(c.Args); {
			switch {
			case cmdarg.Is(c.Args[i], "mkstream"):
				mkstream = true
				i++
			case cmdarg.Is(c.Args[i], "entriesread") && i+1 < len(c.Args):
				v, ok := intArg(c, c.Args[i+1], "")
				if !ok {
					return
				}
				if v < 0 && v != invalidEntriesRead {
					c.Error("ERR value for ENTRIESREAD must be positive or -1")
					return
				}
				entriesRead = v
				i += 2
			default:
				subcommandSyntax(c)
				return
			}
		}
	}
	if cmdarg.Is(opt, "setid") && len(c.Args) == 7 {
		if !cmdarg.Is(c.Args[5], "entriesread") {
			subcommandSyntax(c)
			return
		}
		v, ok := intArg(c, c.Args[6], "")
		if !ok {
			return
		}
		if v < 0 && v != invalidEntriesRead {
			c.Error("ERR value for ENTRIESREAD must be positive or -1")
			return
		}
		entriesRead = v
	}
	key, name := c.Args[2], c.Args[3]
	s, ok := sc.lookup(c, key)
	if !ok {
		return
	}
	var g *Group
	if !mkstream {
		if s == nil {
			c.Error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
			return
		}
		if g = s.Group(name); g == nil && !create && !cmdarg.Is(opt, "destroy") {
			c.Error("NOGROUP No such consumer group '" + string(name) + "' for key name '" + string(key) + "'")
			return
		}
	}
	switch {
	case create && len(c.Args) <= 8:
		var id ID
		if string(c.Args[4]) == "$" {
			if s != nil {
				id = s.lastID
			}
		} else if id, ok = parseStrict(c, c.Args[4]); !ok {
			return
		}
		if s == nil {
			s = New()
			sc.ks.DB(c).Set(key, s, sc.ks.Now())
		}
		if s.CreateGroup(name, id, entriesRead) == nil {
			c.Error("BUSYGROUP Consumer Group name already exists")
			return
		}
		c.OK()
		c.Propagate()
	case cmdarg.Is(opt, "setid") && (len(c.Args) == 5 || len(c.Args) == 7):
		var id ID
		if string(c.Args[4]) == "$" {
			id = s.lastID
		} else if id, _, ok = ParseID(c.Args[4], 0, false, false); !ok {
			c.Error(ErrInvalidID)
			return
		}
		g.LastID, g.EntriesRead = id, entriesRead
		c.OK()
		c.Propagate()
	case cmdarg.Is(opt, "destroy") && len(c.Args) == 4:
		if g == nil {
			c.W.Int(0)
			return
		}
		s.DestroyGroup(name)
		c.W.Int(1)
		c.Propagate()
		if sc.blk != nil {
			sc.blk.Signal(c.DB, key) // the group's blocked readers get NOGROUP (ServeKey)
		}
	case cmdarg.Is(opt, "createconsumer") && len(c.Args) == 5:
		if g.CreateConsumer(c.Args[4], clock(c)) == nil {
			c.W.Int(0)
			return
		}
		c.W.Int(1)
		c.Propagate()
	case cmdarg.Is(opt, "delconsumer") && len(c.Args) == 5:
		cons := g.Consumer(c.Args[4])
		if cons == nil {
			c.W.Int(0)
			return
		}
		c.W.Int(int64(g.DeleteConsumer(cons)))
		c.Propagate()
	default:
		subcommandSyntax(c)
	}
}

// groupOf looks up key's stream and group for XCLAIM, XAUTOCLAIM and
// XPENDING, replying NOGROUP when either is missing.
func (sc *Commands) groupOf(c *server.Client) (*Stream, *Group, bool) {
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return nil, nil, false
	}
	g := s.Group(c.Args[2])
	if g == nil {
		c.Error("NOGROUP No such key '" + string(c.Args[1]) + "' or consumer group '" + string(c.Args[2]) + "'")
		return nil, nil, false
	}
	return s, g, true
}

// xack is XACK key group id [id ...].
func (sc *Commands) xack(c *server.Client) {
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return
	}
	g := s.Group(c.Args[2])
	if g == nil {
		c.W.Int(0)
		return
	}
	ids := make([]ID, 0, len(c.Args)-3)
	for _, arg := range c.Args[3:] {
		id, ok := parseStrict(c, arg)
		if !ok {
			return
		}
		ids = append(ids, id)
	}
	n := 0
	for _, id := range ids {
		if g.ack(id) {
			n++
		}
	}
	c.W.Int(int64(n))
	if n > 0 {
		c.Propagate()
	}
}

// xpending is XPENDING key group [[IDLE min-idle] start end count [consumer]].
func (sc *Commands) xpending(c *server.Client) {
	argc := len(c.Args)
	if argc != 3 && (argc < 6 || argc > 9) {
		c.ErrSyntax()
		return
	}
	var start, end ID
	var count, minIdle int64
	var consumer []byte
	if argc >= 6 {
		i := 3
		ok := true
		if cmdarg.Is(c.Args[3], "idle") {
			if minIdle, ok = intArg(c, c.Args[4], ""); !ok {
				return
			}
			if argc < 8 {
				c.ErrSyntax()
				return
			}
			i += 2
		}
		if count, ok = intArg(c, c.Args[i+2], ""); !ok {
			return
		}
		count = max(count, 0)
		if start, end, ok = parseRange(c, c.Args[i], c.Args[i+1]); !ok {
			return
		}
		if i+3 < argc {
			consumer = c.Args[i+3]
		}
	}
	_, g, ok := sc.groupOf(c)
	if !ok {
		return
	}
	if argc == 3 {
		c.W.Array(4)
		c.W.Int(int64(g.pel.Len()))
		if g.pel.Len() == 0 {
			c.W.Null()
			c.W.Null()
			c.W.NullArray()
			return
		}
		first, _, _ := g.pel.First()
		last, _, _ := g.pel.Last()
		writeID(c.W, IDFromKey(first))
		writeID(c.W, IDFromKey(last))
		var owners []*Consumer
		g.EachConsumer(func(cons *Consumer) {
			if cons.Pending() > 0 {
				owners = append(owners, cons)
			}
		})
		c.W.Array(len(owners))
		for _, cons := range owners {
			c.W.Array(2)
			c.W.BulkString(cons.Name)
			c.W.BulkString(strconv.Itoa(cons.Pending()))
		}
		return
	}
	pel := g.pel
	if consumer != nil {
		cons := g.Consumer(consumer)
		if cons == nil {
			c.W.Array(0)
			return
		}
		pel = cons.pel
	}
	now := clock(c)
	type item struct {
		id ID
		n  *NACK
	}
	var items []item
	eachPending(pel, start, func(id ID, n *NACK) bool {
		if count == 0 || end.Less(id) {
			return false
		}
		if minIdle != 0 && now-n.DeliveryTime < minIdle {
			return true
		}
		items = append(items, item{id, n})
		count--
		return true
	})
	c.W.Array(len(items))
	for _, it := range items {
		c.W.Array(4)
		writeID(c.W, it.id)
		c.W.BulkString(it.n.Consumer.Name)
		c.W.Int(max(now-it.n.DeliveryTime, 0))
		c.W.Int(it.n.DeliveryCount)
	}
}

// xclaim is XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
// [TIME unix-ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]. Each claim
// reaches the AOF as the idempotent XCLAIM of streamPropagateXCLAIM.
func (sc *Commands) xclaim(c *server.Client) {
	s, g, ok := sc.groupOf(c)
	if !ok {
		return
	}
	minIdle, ok := intArg(c, c.Args[4], "ERR Invalid min-idle-time argument for XCLAIM")
	if !ok {
		return
	}
	minIdle = max(minIdle, 0)
	j := 5
	var ids []ID
	for ; j < len(c.Args); j++ {
		id, _, ok := ParseID(c.Args[j], 0, true, false)
		if !ok {
			break
		}
		ids = append(ids, id)
	}
	idArgs := c.Args[5:j]
	now := clock(c)
	retry, delivery := int64(-1), int64(-1)
	force, justID := false, false
	var lastID ID
	for ; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		opt := c.Args[j]
		switch {
		case cmdarg.Is(opt, "force"):
			force = true
		case cmdarg.Is(opt, "justid"):
			justID = true
		case cmdarg.Is(opt, "idle") && more > 0:
			j++
			v, ok := intArg(c, c.Args[j], "ERR Invalid IDLE option argument for XCLAIM")
			if !ok {
				return
			}
			delivery = now - v
		case cmdarg.Is(opt, "time") && more > 0:
			j++
			if delivery, ok = intArg(c, c.Args[j], "ERR Invalid TIME option argument for XCLAIM"); !ok {
				return
			}
		case cmdarg.Is(opt, "retrycount") && more > 0:
			j++
			if retry, ok = intArg(c, c.Args[j], "ERR Invalid RETRYCOUNT option argument for XCLAIM"); !ok {
				return
			}
		case cmdarg.Is(opt, "lastid") && more > 0:
			j++
			if lastID, ok = parseStrict(c, c.Args[j]); !ok {
				return
			}
		default:
			c.Error("ERR Unrecognized XCLAIM option '" + string(opt) + "'")
			return
		}
	}
	propagateLast := false
	if lastID.Compare(g.LastID) > 0 {
		g.LastID = lastID
		propagateLast = true
	}
	if delivery != -1 {
		if delivery < 0 || delivery > now {
			delivery = now
		}
	} else {
		delivery = now
	}
	var cons *Consumer
	type claimed struct {
		id    ID
		entry Entry
		ok    bool
	}
	var out []claimed
	for i, id := range ids {
		k := id.Key()
		nack, found := g.pel.Get(k[:])
		e, exists := s.Get(id)
		if !exists {
			if found {
				c.PropagateAlso(xclaimArgs(c.Args[1], g, idArgs[i], nack)...)
				propagateLast = false
				g.ack(id)
			}
			continue
		}
		if force && !found {
			nack = &NACK{DeliveryTime: now, DeliveryCount: 1} // streamCreateNACK
			g.pel.Set(k[:], nack)
			found = true
		}
		if !found {
			continue
		}
		if nack.Consumer != nil && minIdle != 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		if cons == nil {
			cons = g.consumer(c.Args[3], now)
		}
		nack.DeliveryTime = delivery
		if retry >= 0 {
			nack.DeliveryCount = retry
		} else if !justID {
			nack.DeliveryCount++
		}
		g.moveTo(id, nack, cons)
		out = append(out, claimed{id, e, true})
		c.PropagateAlso(xclaimArgs(c.Args[1], g, idArgs[i], nack)...)
		propagateLast = false
	}
	if propagateLast {
		c.PropagateAlso(setIDArgs(c.Args[1], g)...)
	}
	c.W.Array(len(out))
	for _, cl := range out {
		if justID {
			writeID(c.W, cl.id)
		} else {
			writeEntry(c.W, cl.entry)
		}
	}
}

// xautoclaim is XAUTOCLAIM key group consumer min-idle-time start [COUNT
// count] [JUSTID]: claim up to count idle entries from start on, and
// reply the cursor to continue from, what was claimed, and the IDs of
// pending entries that no longer exist (dropped from the PEL).
func (sc *Commands) xautoclaim(c *server.Client) {
	minIdle, ok := intArg(c, c.Args[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM")
	if !ok {
		return
	}
	minIdle = max(minIdle, 0)
	start, ex, ok := parseInterval(c, c.Args[5], 0)
	if !ok {
		return
	}
	if ex {
		if start, ok = start.Next(); !ok {
			c.Error("ERR invalid start ID for the interval")
			return
		}
	}
	count, justID := int64(100), false
	for j := 6; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		switch {
		case cmdarg.Is(c.Args[j], "count") && more > 0:
			v, ok := resp.ParseInt(c.Args[j+1])
			if !ok || v < 1 || v > (1<<63-1)/16 {
				c.Error("ERR COUNT must be > 0")
				return
			}
			count = v
			j++
		case cmdarg.Is(c.Args[j], "justid"):
			justID = true
		default:
			c.ErrSyntax()
			return
		}
	}
	s, g, ok := sc.groupOf(c)
	if !ok {
		return
	}
	attempts := count * 10
	now := clock(c)
	var cons *Consumer
	var claimed []Entry
	var deleted []ID
	next := ID{}
	k := start.Key()
	key, nack, more := g.pel.Seek(k[:], true)
	for ; attempts > 0 && count > 0 && more; key, nack, more = g.pel.Seek(key, false) {
		attempts--
		id := IDFromKey(key)
		e, exists := s.Get(id)
		if !exists {
			c.PropagateAlso(xclaimArgs(c.Args[1], g, id.Append(nil), nack)...)
			g.ack(id)
			deleted = append(deleted, id)
			count--
			continue
		}
		if minIdle != 0 && now-nack.DeliveryTime < minIdle {
			continue
		}
		if cons == nil {
			cons = g.consumer(c.Args[3], now)
		}
		g.moveTo(id, nack, cons)
		nack.DeliveryTime = now
		if !justID {
			nack.DeliveryCount++
		}
		claimed = append(claimed, e)
		count--
		c.PropagateAlso(xclaimArgs(c.Args[1], g, id.Append(nil), nack)...)
	}
	if more {
		// The loop stopped on count or attempts, and key is the pending
		// entry after the last one it looked at: the cursor.
		next = IDFromKey(key)
	}
	c.W.Array(3)
	writeID(c.W, next)
	c.W.Array(len(claimed))
	for _, e := range claimed {
		if justID {
			writeID(c.W, e.ID)
		} else {
			writeEntry(c.W, e)
		}
	}
	c.W.Array(len(deleted))
	for _, id := range deleted {
		writeID(c.W, id)
	}
}
