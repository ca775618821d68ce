package stream

import (
	"errors"
	"math"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

// Commands are the stream commands, closures over the keyspace.
type Commands struct {
	ks typecmd.Keyspace
	// Limits are stream-node-max-bytes and stream-node-max-entries.
	Limits Limits
	// blk, once BlockIn is called, is where an XREAD or XREADGROUP with
	// BLOCK that found nothing to serve waits. Without it, such a call
	// answers as if its timeout had passed.
	blk *block.Block
}

// Type is what TYPE reports.
func (s *Stream) Type() string { return "stream" }

// Encoding is what OBJECT ENCODING reports.
func (s *Stream) Encoding() string { return "stream" }

// Register adds the stream commands and their CONFIG options to s.
func Register(s *server.Server, ks typecmd.Keyspace) *Commands {
	sc := &Commands{ks: ks, Limits: Limits{DefaultNodeMaxBytes, DefaultNodeMaxEntries}}
	s.Commands.Add(sc.table()...)
	s.Config.Add(
		&server.Param{
			// A memory value in Redis: "4kb" is 4096.
			Name: "stream-node-max-bytes",
			Get:  func() string { return strconv.Itoa(sc.Limits.MaxBytes) },
			Set: func(v string) error {
				n, ok := server.ParseMemory(v)
				if !ok {
					return errors.New("argument must be a memory value")
				}
				if n > math.MaxInt64 {
					return errors.New("argument must be between 0 and 9223372036854775807 inclusive")
				}
				sc.Limits.MaxBytes = int(n)
				return nil
			},
		},
		typecmd.IntParam("stream-node-max-entries", "", &sc.Limits.MaxEntries),
	)
	return sc
}

// table is Redis 7.0's rows for the stream commands: arity, flags, keys.
func (sc *Commands) table() []*server.Command {
	const w, r, fast, oom, blk, mk = server.Write, server.ReadOnly, server.Fast, server.DenyOOM, server.Blocking, server.Movablekeys
	return []*server.Command{
		server.NewCommand("xadd", -5, w|oom|fast, 1, 1, 1, "stream", sc.xadd),
		server.NewCommand("xrange", -4, r, 1, 1, 1, "stream", func(c *server.Client) { sc.xrange(c, false) }),
		server.NewCommand("xrevrange", -4, r, 1, 1, 1, "stream", func(c *server.Client) { sc.xrange(c, true) }),
		server.NewCommand("xlen", 2, r|fast, 1, 1, 1, "stream", sc.xlen),
		server.NewCommand("xdel", -3, w|fast, 1, 1, 1, "stream", sc.xdel),
		server.NewCommand("xtrim", -4, w, 1, 1, 1, "stream", sc.xtrim),
		server.NewCommand("xsetid", -3, w|oom|fast, 1, 1, 1, "stream", sc.xsetid),
		server.NewCommand("xread", -4, r|blk|mk, 0, 0, 0, "stream", func(c *server.Client) { sc.xread(c, false) }),
		server.NewCommand("xreadgroup", -7, w|blk|mk, 0, 0, 0, "stream", func(c *server.Client) { sc.xread(c, true) }),
		server.NewCommand("xack", -4, w|fast, 1, 1, 1, "stream", sc.xack),
		server.NewCommand("xpending", -3, r, 1, 1, 1, "stream", sc.xpending),
		server.NewCommand("xclaim", -6, w|fast, 1, 1, 1, "stream", sc.xclaim),
		server.NewCommand("xautoclaim", -6, w|fast, 1, 1, 1, "stream", sc.xautoclaim),
		sc.xgroupCommand(),
		sc.xinfoCommand(),
	}
}

// write looks key up for a change; nil when absent, ok false after
// WRONGTYPE.
func (sc *Commands) write(c *server.Client, key []byte) (*Stream, bool) {
	return typecmd.Write[*Stream](c, sc.ks, key)
}

// lookup finds key's stream for a change that Redis 7.0 does not signal
// as a modification of the key (XGROUP, XSETID change only group state
// or the last ID): a WATCH of the key does not see it.
func (sc *Commands) lookup(c *server.Client, key []byte) (*Stream, bool) {
	return typecmd.As[*Stream](c, sc.ks.DB(c).Lookup(key, sc.ks.Now()))
}

func (sc *Commands) read(c *server.Client, key []byte) (*Stream, bool) {
	return typecmd.Read[*Stream](c, sc.ks, key)
}

// clock is the command's time in unix ms: IDs and delivery times.
func clock(c *server.Client) int64 { return c.Srv.CommandTime().UnixMilli() }

// loading reports whether the command comes from the AOF (Redis's
// mustObeyClient): trims are then exact as written.
func (sc *Commands) loading() bool { return sc.ks.Now() == 0 }

func writeID(w *resp.Writer, id ID) {
	var buf [41]byte
	w.Bulk(id.Append(buf[:0]))
}

// writeEntry writes [id, [field, value, ...]].
func writeEntry(w *resp.Writer, e Entry) {
	w.Array(2)
	writeID(w, e.ID)
	w.Array(2 * len(e.Fields))
	for i := range e.Fields {
		w.Bulk(e.Fields[i])
		w.Bulk(e.Values[i])
	}
}

// writeRange writes the entries of [start, end], at most count (0: all),
// as an array.
func writeRange(w *resp.Writer, s *Stream, start, end ID, rev bool, count int64) {
	var entries []Entry
	s.Range(start, end, rev, func(e Entry) bool {
		entries = append(entries, e)
		return count == 0 || int64(len(entries)) < count
	})
	w.Array(len(entries))
	for _, e := range entries {
		writeEntry(w, e)
	}
}

// parseStrict parses an exact ID (streamParseStrictIDOrReply).
func parseStrict(c *server.Client, arg []byte) (ID, bool) {
	id, _, ok := ParseID(arg, 0, true, false)
	if !ok {
		c.Error(ErrInvalidID)
	}
	return id, ok
}

// parseInterval is streamParseIntervalIDOrReply: an ID, "-", "+" or an
// exclusive "(<id>".
func parseInterval(c *server.Client, arg []byte, missingSeq uint64) (id ID, exclusive, ok bool) {
	if len(arg) > 1 && arg[0] == '(' {
		id, _, ok = ParseID(arg[1:], missingSeq, true, false)
		exclusive = true
	} else {
		id, _, ok = ParseID(arg, missingSeq, false, false)
	}
	if !ok {
		c.Error(ErrInvalidID)
	}
	return id, exclusive, ok
}

// parseRange reads the start and end of an interval, with "(" moving
// each inward, and the errors of xrangeGenericCommand.
func parseRange(c *server.Client, startArg, endArg []byte) (start, end ID, ok bool) {
	start, ex, ok := parseInterval(c, startArg, 0)
	if !ok {
		return
	}
	if ex {
		if start, ok = start.Next(); !ok {
			c.Error("ERR invalid start ID for the interval")
			return
		}
	}
	end, ex, ok = parseInterval(c, endArg, MaxID.Seq)
	if !ok {
		return
	}
	if ex {
		if end, ok = end.Prev(); !ok {
			c.Error("ERR invalid end ID for the interval")
			return
		}
	}
	return start, end, true
}

// intArg reads a long long argument, replying msg (or Redis's default)
// when it is not one.
func intArg(c *server.Client, arg []byte, msg string) (int64, bool) {
	v, ok := resp.ParseInt(arg)
	if !ok {
		if msg == "" {
			msg = cmdarg.ErrNotInt
		}
		c.Error(msg)
	}
	return v, ok
}

// xrange is XRANGE key start end [COUNT count] and XREVRANGE key end
// start [COUNT count].
func (sc *Commands) xrange(c *server.Client, rev bool) {
	startArg, endArg := c.Args[2], c.Args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	start, end, ok := parseRange(c, startArg, endArg)
	if !ok {
		return
	}
	count := int64(-1)
	for j := 4; j < len(c.Args); j++ {
		if cmdarg.Is(c.Args[j], "count") && j+1 < len(c.Args) {
			if count, ok = intArg(c, c.Args[j+1], ""); !ok {
				return
			}
			count = max(count, 0)
			j++
		} else {
			c.ErrSyntax()
			return
		}
	}
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Array(0)
		return
	}
	if count == 0 {
		c.W.NullArray()
		return
	}
	writeRange(c.W, s, start, end, rev, max(count, 0))
}

func (sc *Commands) xlen(c *server.Client) {
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(s.Len())
}

// addArgs are the options of XADD and XTRIM
// (streamParseAddOrTrimArgsOrReply).
type addArgs struct {
	trim       Trim
	trimArg    int // index of the MAXLEN or MINID value
	noMkStream bool
	id         ID
	idGiven    bool
	seqGiven   bool
	idPos      int // XADD: index of the ID
}

func (sc *Commands) parseAddTrim(c *server.Client, xadd bool) (a addArgs, ok bool) {
	a.seqGiven = true
	limitGiven := false
	args := c.Args
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case xadd && len(opt) == 1 && opt[0] == '*':
			a.idPos = i
			goto parsed
		case (cmdarg.Is(opt, "maxlen") || cmdarg.Is(opt, "minid")) && more > 0:
			if a.trim.Strategy != TrimNone {
				c.Error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
				return a, false
			}
			a.trim.Approx = false
			next := args[i+1]
			if more >= 2 && len(next) == 1 && (next[0] == '~' || next[0] == '=') {
				a.trim.Approx = next[0] == '~'
				i++
			}
			if cmdarg.Is(opt, "maxlen") {
				if a.trim.MaxLen, ok = intArg(c, args[i+1], ""); !ok {
					return a, false
				}
				if a.trim.MaxLen < 0 {
					c.Error("ERR The MAXLEN argument must be >= 0.")
					return a, false
				}
				a.trim.Strategy = TrimMaxLen
			} else {
				if a.trim.MinID, ok = parseStrict(c, args[i+1]); !ok {
					return a, false
				}
				a.trim.Strategy = TrimMinID
			}
			i++
			a.trimArg = i
		case cmdarg.Is(opt, "limit") && more > 0:
			if a.trim.Limit, ok = intArg(c, args[i+1], ""); !ok {
				return a, false
			}
			if a.trim.Limit < 0 {
				c.Error("ERR The LIMIT argument must be >= 0.")
				return a, false
			}
			limitGiven = true
			i++
		case xadd && cmdarg.Is(opt, "nomkstream"):
			a.noMkStream = true
		case xadd:
			a.id, a.seqGiven, ok = ParseID(opt, 0, true, true)
			if !ok {
				c.Error(ErrInvalidID)
				return a, false
			}
			a.idGiven, a.idPos = true, i
			goto parsed
		default:
			c.ErrSyntax()
			return a, false
		}
	}
	a.idPos = i
parsed:
	if a.trim.Limit != 0 && a.trim.Strategy == TrimNone {
		c.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
		return a, false
	}
	if !xadd && a.trim.Strategy == TrimNone {
		c.Error("ERR syntax error, XTRIM must be called with a trimming strategy")
		return a, false
	}
	switch {
	case sc.loading():
		a.trim.Limit = 0
	case limitGiven && !a.trim.Approx:
		c.Error("ERR syntax error, LIMIT cannot be used without the special ~ option")
		return a, false
	case !limitGiven && a.trim.Approx:
		a.trim.Limit = 100 * int64(sc.Limits.MaxEntries)
		if a.trim.Limit <= 0 || a.trim.Limit > 10000 {
			a.trim.Limit = 10000
		}
	case !limitGiven:
		a.trim.Limit = 0
	}
	return a, true
}

// trimmedArgs is what an approximate trim propagates: "=" for "~" and
// the length (or first ID) the trim left, so a replay removes exactly
// the same entries (streamRewriteApproxSpecifier and
// streamRewriteTrimArgument).
func trimmedArgs(args [][]byte, a addArgs, s *Stream) [][]byte {
	args[a.trimArg-1] = []byte("=")
	if a.trim.Strategy == TrimMaxLen {
		args[a.trimArg] = strconv.AppendInt(nil, s.Len(), 10)
	} else {
		args[a.trimArg] = s.FirstIDWithTombstones().Append(nil)
	}
	return args
}

// xadd is XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT
// count]] *|id field value [field value ...]. The AOF gets the ID it
// generated and, after an approximate trim, the exact one.
func (sc *Commands) xadd(c *server.Client) {
	a, ok := sc.parseAddTrim(c, true)
	if !ok {
		return
	}
	fieldPos := a.idPos + 1
	if n := len(c.Args) - fieldPos; n < 2 || n%2 == 1 {
		c.ErrArity()
		return
	}
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		c.Error("ERR The ID specified in XADD must be greater than 0-0")
		return
	}
	key := c.Args[1]
	s, ok := sc.write(c, key)
	if !ok {
		return
	}
	if s == nil {
		if a.noMkStream {
			c.W.Null()
			return
		}
		s = New()
		sc.ks.DB(c).Set(key, s, sc.ks.Now())
	}
	if s.lastID == MaxID {
		c.Error(ErrIDExhausted)
		return
	}
	id, ok := a.id, true
	switch {
	case !a.idGiven:
		id, ok = s.NextID(uint64(clock(c)))
	case !a.seqGiven:
		if s.lastID.Ms == id.Ms {
			id, ok = s.lastID.Next()
			ok = ok && s.lastID.Seq != MaxID.Seq
		}
	}
	n := (len(c.Args) - fieldPos) / 2
	fields, values := make([][]byte, n), make([][]byte, n)
	for i := 0; i < n; i++ {
		fields[i], values[i] = c.Args[fieldPos+2*i], c.Args[fieldPos+2*i+1]
	}
	msg := ErrIDTooSmall
	if ok {
		msg = s.Append(id, fields, values, sc.Limits)
	}
	if msg != "" {
		c.Error(msg)
		return
	}
	writeID(c.W, id)
	args := c.Args
	if a.trim.Strategy != TrimNone {
		s.Trim(a.trim)
		if a.trim.Approx {
			args = trimmedArgs(append([][]byte(nil), args...), a, s)
		}
	}
	if !a.idGiven || !a.seqGiven {
		if &args[0] == &c.Args[0] {
			args = append([][]byte(nil), args...)
		}
		args[a.idPos] = id.Append(nil)
	}
	c.Propagate(args...)
}

// xtrim is XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count].
func (sc *Commands) xtrim(c *server.Client) {
	a, ok := sc.parseAddTrim(c, false)
	if !ok {
		return
	}
	s, ok := sc.write(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	n := s.Trim(a.trim)
	c.W.Int(n)
	if n == 0 {
		return
	}
	if a.trim.Approx {
		c.Propagate(trimmedArgs(append([][]byte(nil), c.Args...), a, s)...)
		return
	}
	c.Propagate()
}

// xdel is XDEL key id [id ...].
func (sc *Commands) xdel(c *server.Client) {
	s, ok := sc.write(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	ids := make([]ID, 0, len(c.Args)-2)
	for _, arg := range c.Args[2:] {
		id, ok := parseStrict(c, arg)
		if !ok {
			return
		}
		ids = append(ids, id)
	}
	n := s.DeleteIDs(ids)
	c.W.Int(int64(n))
	if n > 0 {
		c.Propagate()
	}
}

// xsetid is XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id].
func (sc *Commands) xsetid(c *server.Client) {
	id, ok := parseStrict(c, c.Args[2])
	if !ok {
		return
	}
	added := int64(-1)
	var maxDeleted ID
	for i := 3; i < len(c.Args); i += 2 {
		more := len(c.Args) - 1 - i
		switch {
		case cmdarg.Is(c.Args[i], "entriesadded") && more > 0:
			if added, ok = intArg(c, c.Args[i+1], ""); !ok {
				return
			}
			if added < 0 {
				c.Error("ERR entries_added must be positive")
				return
			}
		case cmdarg.Is(c.Args[i], "maxdeletedid") && more > 0:
			if maxDeleted, ok = parseStrict(c, c.Args[i+1]); !ok {
				return
			}
			if id.Less(maxDeleted) {
				c.Error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
				return
			}
		default:
			c.ErrSyntax()
			return
		}
	}
	s, ok := sc.lookup(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.Error("ERR no such key")
		return
	}
	if s.Len() > 0 {
		if id.Less(s.LastValidID()) {
			c.Error("ERR The ID specified in XSETID is smaller than the target stream top item")
			return
		}
		if added != -1 && s.Len() > added {
			c.Error("ERR The entries_added specified in XSETID is smaller than the target stream length")
			return
		}
	}
	s.SetID(id, added, maxDeleted)
	c.OK()
	c.Propagate()
}
