package stream

import (
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// Read is a parsed XREAD or XREADGROUP: what a blocked reader waits for.
type Read struct {
	Group, Consumer []byte // XREADGROUP's GROUP, nil for XREAD
	NoAck           bool
	Count           int64 // 0: no limit
	Timeout         int64 // BLOCK in ms, -1 without BLOCK
	Keys            [][]byte
	IDs             []ID // entries after these; MaxID is XREADGROUP's ">"
}

// parseRead is the argument loop of xreadCommand, up to the key lookups.
func parseRead(c *server.Client, group bool) (*Read, bool) {
	r := &Read{Timeout: -1}
	streamsArg := 0
	args := c.Args
	for i := 1; i < len(args); i++ {
		more := len(args) - i - 1
		o := args[i]
		switch {
		case cmdarg.Is(o, "block") && more > 0:
			i++
			ms, ok := resp.ParseInt(args[i])
			if !ok {
				c.Error("ERR timeout is not an integer or out of range")
				return nil, false
			}
			if ms < 0 {
				c.Error("ERR timeout is negative")
				return nil, false
			}
			r.Timeout = ms
		case cmdarg.Is(o, "count") && more > 0:
			i++
			n, ok := intArg(c, args[i], "")
			if !ok {
				return nil, false
			}
			r.Count = max(n, 0)
		case cmdarg.Is(o, "streams") && more > 0:
			streamsArg = i + 1
			n := len(args) - streamsArg
			if n%2 != 0 {
				c.Error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
				return nil, false
			}
			r.Keys = args[streamsArg : streamsArg+n/2]
			i = len(args)
		case cmdarg.Is(o, "group") && more >= 2:
			if !group {
				c.Error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
				return nil, false
			}
			r.Group, r.Consumer = args[i+1], args[i+2]
			i += 2
		case cmdarg.Is(o, "noack"):
			if !group {
				c.Error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
				return nil, false
			}
			r.NoAck = true
		default:
			c.ErrSyntax()
			return nil, false
		}
	}
	if streamsArg == 0 {
		c.ErrSyntax()
		return nil, false
	}
	if group && r.Group == nil {
		c.Error("ERR Missing GROUP option for XREADGROUP")
		return nil, false
	}
	return r, true
}

// xread is XREAD [COUNT n] [BLOCK ms] STREAMS key... id... and
// XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...
// It answers with the streams that have entries for it, or blocks when
// none has and BLOCK was given. XREADGROUP reaches the AOF as the XCLAIMs
// (and, with NOACK, the XGROUP SETID) of what it delivered.
func (sc *Commands) xread(c *server.Client, group bool) {
	r, ok := parseRead(c, group)
	if !ok {
		return
	}
	n := len(r.Keys)
	r.IDs = make([]ID, n)
	for i, key := range r.Keys {
		arg := c.Args[len(c.Args)-n+i]
		s, ok := sc.read(c, key)
		if !ok {
			return
		}
		if group && s.Group(r.Group) == nil {
			c.Error("NOGROUP No such key '" + string(key) + "' or consumer group '" + string(r.Group) + "' in XREADGROUP with GROUP option")
			return
		}
		switch string(arg) {
		case "$":
			if group {
				c.Error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
				return
			}
			if s != nil {
				r.IDs[i] = s.lastID
			}
			continue
		case ">":
			if !group {
				c.Error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
				return
			}
			r.IDs[i] = MaxID
			continue
		}
		if r.IDs[i], ok = parseStrict(c, arg); !ok {
			return
		}
	}
	if sc.Serve(c, c.W, r, c.PropagateAlso) {
		return
	}
	if r.Timeout >= 0 && sc.blk != nil {
		r.Group, r.Consumer = clone(r.Group), clone(r.Consumer)
		keys := make([][]byte, n)
		for i := range keys {
			keys[i] = clone(r.Keys[i])
		}
		r.Keys = keys
		sc.wait(c, r)
		return
	}
	c.W.NullArray()
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// served is one stream of a reply: its key and what to send from it.
type served struct {
	key     []byte
	s       *Stream
	g       *Group
	c       *Consumer
	after   ID
	history bool
}

// Serve writes the reply to r if any stream has something for it and
// reports whether it did: every stream with entries after its ID
// (XREAD), or, for XREADGROUP, with entries after the group's last ID
// for ">", or the consumer's own history for an ID. Streams are served
// in order, so a key named twice has nothing new the second time. The
// blocking layer calls it again when a key it waits on changes.
func (sc *Commands) Serve(c *server.Client, w *resp.Writer, r *Read, propagate func(args ...[]byte)) bool {
	now := clock(c)
	body := resp.Writer{Proto: w.Proto}
	n := 0
	for i, key := range r.Keys {
		// xreadCommand looks each key up a second time here, and counts
		// the hit or miss again (lookupKeyRead).
		s, ok := sc.read(c, key)
		if !ok || s == nil {
			continue
		}
		sv := served{key: key, s: s, after: r.IDs[i]}
		if r.Group != nil {
			g := s.Group(r.Group)
			if g == nil {
				continue
			}
			sv.g = g
			ok = false
			if sv.after != MaxID {
				ok, sv.history = true, true
			} else if s.Len() > 0 && s.LastValidID().Compare(g.LastID) > 0 {
				ok, sv.after = true, g.LastID
			}
		} else {
			ok = s.Len() > 0 && s.LastValidID().Compare(sv.after) > 0
		}
		if !ok {
			continue
		}
		if sv.g != nil {
			sv.c = sv.g.consumer(r.Consumer, now) // a consumer exists once served
		}
		n++
		if w.Proto < 3 {
			body.Array(2)
		}
		body.Bulk(sv.key)
		start, _ := sv.after.Next()
		switch {
		case sv.g == nil:
			writeRange(&body, sv.s, start, MaxID, false, r.Count)
		case sv.history:
			writeHistory(&body, sv.s, sv.c, start, r.Count, now)
		default:
			deliver(&body, sv, start, r, now, propagate)
		}
	}
	if n == 0 {
		return false
	}
	if w.Proto >= 3 {
		w.Map(n)
	} else {
		w.Array(n)
	}
	w.Raw(body.B)
	return true
}

// Errors of a blocked XREADGROUP whose stream or group went away.
const (
	ErrKeyGone   = "UNBLOCKED the stream key no longer exists"
	ErrGroupGone = "NOGROUP the consumer group this client was blocked on no longer exists"
)

// ServeKey is serveClientsBlockedOnStreamKey for one reader blocked in
// r: when key, just written, has entries after the reader's ID (the
// group's last ID for XREADGROUP), it writes the reply with that one
// stream and reports true. XREADGROUP is answered with an error when the
// key no longer holds a stream or the group is gone; XREAD keeps
// waiting.
func (sc *Commands) ServeKey(c *server.Client, w *resp.Writer, r *Read, key []byte, propagate func(args ...[]byte)) bool {
	var s *Stream
	if e := sc.ks.DB(c).Lookup(key, sc.ks.Now()); e != nil {
		s, _ = e.Value.(*Stream)
	}
	if s == nil {
		if r.Group != nil {
			w.Error(ErrKeyGone)
			return true
		}
		return false
	}
	sv := served{key: key, s: s}
	for i, k := range r.Keys {
		if string(k) == string(key) {
			sv.after = r.IDs[i]
			break
		}
	}
	if r.Group != nil {
		if sv.g = s.Group(r.Group); sv.g == nil {
			w.Error(ErrGroupGone)
			return true
		}
		sv.after = sv.g.LastID
	}
	if s.Len() == 0 || s.LastValidID().Compare(sv.after) <= 0 {
		return false
	}
	now := clock(c)
	if w.Proto >= 3 {
		w.Map(1)
	} else {
		w.Array(1)
		w.Array(2)
	}
	w.Bulk(key)
	start, _ := sv.after.Next()
	if sv.g == nil {
		writeRange(w, s, start, MaxID, false, r.Count)
		return true
	}
	sv.c = sv.g.consumer(r.Consumer, now)
	deliver(w, sv, start, r, now, propagate)
	return true
}

// deliver sends the new entries from start to the group's consumer
// (streamReplyWithRange with a group): each moves the group's last ID
// and, unless NOACK, enters the PELs and the AOF as an XCLAIM.
func deliver(w *resp.Writer, sv served, start ID, r *Read, now int64, propagate func(args ...[]byte)) {
	var entries []Entry
	sv.s.Range(start, MaxID, false, func(e Entry) bool {
		entries = append(entries, e)
		return r.Count == 0 || int64(len(entries)) < r.Count
	})
	g, s := sv.g, sv.s
	moved := false
	w.Array(len(entries))
	for _, e := range entries {
		if e.ID.Compare(g.LastID) > 0 {
			if g.EntriesRead != invalidEntriesRead && !s.rangeHasTombstones(e.ID) {
				g.EntriesRead++
			} else if s.entriesAdded > 0 {
				g.EntriesRead = s.estimateDistance(e.ID)
			}
			g.LastID = e.ID
			moved = true
		}
		writeEntry(w, e)
		if !r.NoAck {
			nack := g.deliver(e.ID, sv.c, now)
			propagate(xclaimArgs(sv.key, g, e.ID.Append(nil), nack)...)
		}
	}
	if r.NoAck && moved {
		propagate(setIDArgs(sv.key, g)...)
	}
}

// writeHistory is streamReplyWithRangeFromConsumerPEL: the consumer's
// pending entries from start, each counted as delivered again; one that
// was deleted meanwhile is sent as its ID and a null.
func writeHistory(w *resp.Writer, s *Stream, c *Consumer, start ID, count int64, now int64) {
	type item struct {
		id   ID
		nack *NACK
	}
	var items []item
	eachPending(c.pel, start, func(id ID, n *NACK) bool {
		if count != 0 && int64(len(items)) >= count {
			return false
		}
		items = append(items, item{id, n})
		return true
	})
	w.Array(len(items))
	for _, it := range items {
		e, ok := s.Get(it.id)
		if !ok {
			w.Array(2)
			writeID(w, it.id)
			w.NullArray()
			continue
		}
		it.nack.DeliveryTime = now
		it.nack.DeliveryCount++
		writeEntry(w, e)
	}
}

// xclaimArgs is streamPropagateXCLAIM: the idempotent XCLAIM that gives
// the replay the same NACK.
func xclaimArgs(key []byte, g *Group, id []byte, n *NACK) [][]byte {
	return [][]byte{[]byte("XCLAIM"), key, []byte(g.Name), []byte(n.Consumer.Name), []byte("0"), id,
		[]byte("TIME"), strconv.AppendInt(nil, n.DeliveryTime, 10),
		[]byte("RETRYCOUNT"), strconv.AppendInt(nil, n.DeliveryCount, 10),
		[]byte("FORCE"), []byte("JUSTID"), []byte("LASTID"), g.LastID.Append(nil)}
}

// setIDArgs is streamPropagateGroupID.
func setIDArgs(key []byte, g *Group) [][]byte {
	return [][]byte{[]byte("XGROUP"), []byte("SETID"), key, []byte(g.Name), g.LastID.Append(nil),
		[]byte("ENTRIESREAD"), strconv.AppendInt(nil, g.EntriesRead, 10)}
}
