package stream

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

func (sc *Commands) xinfoCommand() *server.Command {
	const r = server.ReadOnly
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "stream", Arity: -3, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xinfoStream},
		&server.Command{Name: "groups", Arity: 3, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xinfoGroups},
		&server.Command{Name: "consumers", Arity: 4, Flags: r, FirstKey: 2, LastKey: 2, Step: 1, Group: "stream", Run: sc.xinfoConsumers},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Group: "stream", Run: xinfoHelp},
	)
	return &server.Command{Name: "xinfo", Arity: -2, Group: "stream", Subcommands: sub, Run: unknownSubcommand}
}

func xinfoHelp(c *server.Client) {
	server.ReplyHelp(c,
		"CONSUMERS <key> <groupname>",
		"    Show consumers of <groupname>.",
		"GROUPS <key>",
		"    Show the stream consumer groups.",
		"STREAM <key> [FULL [COUNT <count>]",
		"    Show information about the stream.",
	)
}

// infoStream looks up XINFO's key: "ERR no such key" when absent.
func (sc *Commands) infoStream(c *server.Client) (*Stream, bool) {
	s, ok := sc.read(c, c.Args[2])
	if ok && s == nil {
		c.Error("ERR no such key")
		return nil, false
	}
	return s, ok
}

func writeLag(w *resp.Writer, s *Stream, g *Group) {
	if lag, ok := s.lag(g); ok {
		w.Int(lag)
	} else {
		w.Null()
	}
}

func writeEntriesRead(w *resp.Writer, g *Group) {
	if g.EntriesRead != invalidEntriesRead {
		w.Int(g.EntriesRead)
	} else {
		w.Null()
	}
}

// xinfoStream is XINFO STREAM key [FULL [COUNT count]].
func (sc *Commands) xinfoStream(c *server.Client) {
	s, ok := sc.infoStream(c)
	if !ok {
		return
	}
	full, count := false, int64(10)
	if len(c.Args) > 3 {
		if len(c.Args) > 6 || !cmdarg.Is(c.Args[3], "full") || len(c.Args) > 4 && (len(c.Args) != 6 || !cmdarg.Is(c.Args[4], "count")) {
			subcommandSyntax(c)
			return
		}
		full = true
		if len(c.Args) == 6 {
			if count, ok = intArg(c, c.Args[5], ""); !ok {
				return
			}
			count = max(count, 0)
		}
	}
	w := c.W
	if full {
		w.Map(9)
	} else {
		w.Map(10)
	}
	w.BulkString("length")
	w.Int(s.length)
	w.BulkString("radix-tree-keys")
	w.Int(int64(s.rax.Len()))
	w.BulkString("radix-tree-nodes")
	w.Int(int64(s.rax.Nodes()))
	w.BulkString("last-generated-id")
	writeID(w, s.lastID)
	w.BulkString("max-deleted-entry-id")
	writeID(w, s.maxDeletedID)
	w.BulkString("entries-added")
	w.Int(s.entriesAdded)
	w.BulkString("recorded-first-entry-id")
	writeID(w, s.firstID)
	if !full {
		w.BulkString("groups")
		w.Int(int64(s.Groups()))
		w.BulkString("first-entry")
		writeEdge(w, s, false)
		w.BulkString("last-entry")
		writeEdge(w, s, true)
		return
	}
	w.BulkString("entries")
	writeRange(w, s, ID{}, MaxID, false, count)
	w.BulkString("groups")
	w.Array(s.Groups())
	s.EachGroup(func(g *Group) {
		w.Map(7)
		w.BulkString("name")
		w.BulkString(g.Name)
		w.BulkString("last-delivered-id")
		writeID(w, g.LastID)
		w.BulkString("entries-read")
		writeEntriesRead(w, g)
		w.BulkString("lag")
		writeLag(w, s, g)
		w.BulkString("pel-count")
		w.Int(int64(g.Pending()))
		w.BulkString("pending")
		writeFullPending(w, g.pel, count, true)
		w.BulkString("consumers")
		w.Array(g.Consumers())
		g.EachConsumer(func(cons *Consumer) {
			w.Map(4)
			w.BulkString("name")
			w.BulkString(cons.Name)
			w.BulkString("seen-time")
			w.Int(cons.SeenTime)
			w.BulkString("pel-count")
			w.Int(int64(cons.Pending()))
			w.BulkString("pending")
			writeFullPending(w, cons.pel, count, false)
		})
	})
}

// writeEdge writes the first or last entry, or a null.
func writeEdge(w *resp.Writer, s *Stream, last bool) {
	var e Entry
	found := false
	s.Range(ID{}, MaxID, last, func(x Entry) bool { e, found = x, true; return false })
	if !found {
		w.Null()
		return
	}
	writeEntry(w, e)
}

// writeFullPending is the "pending" of XINFO STREAM FULL: up to count
// NACKs (0: all), with the owner's name in the group's list.
func writeFullPending(w *resp.Writer, pel *Tree[*NACK], count int64, owner bool) {
	n := int64(pel.Len())
	if count != 0 && count < n {
		n = count
	}
	w.Array(int(n))
	eachPending(pel, ID{}, func(id ID, nack *NACK) bool {
		if n == 0 {
			return false
		}
		n--
		if owner {
			w.Array(4)
		} else {
			w.Array(3)
		}
		writeID(w, id)
		if owner {
			w.BulkString(nack.Consumer.Name)
		}
		w.Int(nack.DeliveryTime)
		w.Int(nack.DeliveryCount)
		return true
	})
}

// xinfoGroups is XINFO GROUPS key.
func (sc *Commands) xinfoGroups(c *server.Client) {
	s, ok := sc.infoStream(c)
	if !ok {
		return
	}
	w := c.W
	w.Array(s.Groups())
	s.EachGroup(func(g *Group) {
		w.Map(6)
		w.BulkString("name")
		w.BulkString(g.Name)
		w.BulkString("consumers")
		w.Int(int64(g.Consumers()))
		w.BulkString("pending")
		w.Int(int64(g.Pending()))
		w.BulkString("last-delivered-id")
		writeID(w, g.LastID)
		w.BulkString("entries-read")
		writeEntriesRead(w, g)
		w.BulkString("lag")
		writeLag(w, s, g)
	})
}

// xinfoConsumers is XINFO CONSUMERS key group.
func (sc *Commands) xinfoConsumers(c *server.Client) {
	s, ok := sc.infoStream(c)
	if !ok {
		return
	}
	g := s.Group(c.Args[3])
	if g == nil {
		c.Error("NOGROUP No such consumer group '" + string(c.Args[3]) + "' for key name '" + string(c.Args[2]) + "'")
		return
	}
	now := clock(c)
	w := c.W
	w.Array(g.Consumers())
	g.EachConsumer(func(cons *Consumer) {
		w.Map(3)
		w.BulkString("name")
		w.BulkString(cons.Name)
		w.BulkString("pending")
		w.Int(int64(cons.Pending()))
		w.BulkString("idle")
		w.Int(max(now-cons.SeenTime, 0))
	})
}
