package list

import (
	"math"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

// Commands are the list commands, closures over the keyspace.
type Commands struct {
	ks typecmd.Keyspace
	// Fill is list-max-listpack-size for new lists (CONFIG SET changes it).
	Fill int
}

// Type is what TYPE reports for a list.
func (l *List) Type() string { return "list" }

// Encoding is what OBJECT ENCODING reports.
func (l *List) Encoding() string { return Encoding }

// Register adds the list commands and the list-max-listpack-size option
// to s.
func Register(s *server.Server, ks typecmd.Keyspace) *Commands {
	lc := &Commands{ks: ks, Fill: DefaultFill}
	s.Commands.Add(lc.table()...)
	s.Config.Add(&server.Param{
		Name: "list-max-listpack-size", Alias: "list-max-ziplist-size",
		Get: func() string { return strconv.Itoa(lc.Fill) },
		Set: func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return err
			}
			lc.Fill = n
			return nil
		},
	})
	return lc
}

func (lc *Commands) table() []*server.Command {
	const w, r, fast, oom, mk = server.Write, server.ReadOnly, server.Fast, server.DenyOOM, server.Movablekeys
	return []*server.Command{
		server.NewCommand("lpush", -3, w|oom|fast, 1, 1, 1, "list", func(c *server.Client) { lc.push(c, true, false) }),
		server.NewCommand("rpush", -3, w|oom|fast, 1, 1, 1, "list", func(c *server.Client) { lc.push(c, false, false) }),
		server.NewCommand("lpushx", -3, w|oom|fast, 1, 1, 1, "list", func(c *server.Client) { lc.push(c, true, true) }),
		server.NewCommand("rpushx", -3, w|oom|fast, 1, 1, 1, "list", func(c *server.Client) { lc.push(c, false, true) }),
		server.NewCommand("lpop", -2, w|fast, 1, 1, 1, "list", func(c *server.Client) { lc.pop(c, true) }),
		server.NewCommand("rpop", -2, w|fast, 1, 1, 1, "list", func(c *server.Client) { lc.pop(c, false) }),
		server.NewCommand("llen", 2, r|fast, 1, 1, 1, "list", lc.llen),
		server.NewCommand("lrange", 4, r, 1, 1, 1, "list", lc.lrange),
		server.NewCommand("lindex", 3, r, 1, 1, 1, "list", lc.lindex),
		server.NewCommand("lset", 4, w|oom, 1, 1, 1, "list", lc.lset),
		server.NewCommand("lrem", 4, w, 1, 1, 1, "list", lc.lrem),
		server.NewCommand("ltrim", 4, w, 1, 1, 1, "list", lc.ltrim),
		server.NewCommand("linsert", 5, w|oom, 1, 1, 1, "list", lc.linsert),
		server.NewCommand("lpos", -3, r, 1, 1, 1, "list", lc.lpos),
		server.NewCommand("lmove", 5, w|oom, 1, 2, 1, "list", lc.lmove),
		server.NewCommand("rpoplpush", 3, w|oom, 1, 2, 1, "list", lc.rpoplpush),
		server.NewCommand("lmpop", -4, w|mk, 0, 0, 0, "list", lc.lmpop),
	}
}

// read looks key up for reading: the list, or nil when absent; ok is
// false after a WRONGTYPE reply.
func (lc *Commands) read(c *server.Client, key []byte) (l *List, ok bool) {
	return typecmd.Read[*List](c, lc.ks, key)
}

// write looks key up for a change (lookupKeyWrite).
func (lc *Commands) write(c *server.Client, key []byte) (l *List, ok bool) {
	return typecmd.Write[*List](c, lc.ks, key)
}

// create stores a new empty list at key.
func (lc *Commands) create(c *server.Client, key []byte) *List {
	l := &List{Fill: lc.Fill}
	lc.ks.DB(c).Set(key, l, lc.ks.Now())
	return l
}

// dropIfEmpty deletes the key of a list that a command emptied: Redis
// never keeps an empty aggregate.
func (lc *Commands) dropIfEmpty(c *server.Client, key []byte, l *List) {
	if l.Len() == 0 {
		lc.ks.DB(c).Delete(key, lc.ks.Now())
	}
}

// push is [LR]PUSH[X] key element [element ...].
func (lc *Commands) push(c *server.Client, left, onlyExisting bool) {
	key := c.Args[1]
	l, ok := lc.write(c, key)
	if !ok {
		return
	}
	if l == nil {
		if onlyExisting {
			c.W.Int(0)
			return
		}
		l = lc.create(c, key)
	}
	for _, v := range c.Args[2:] {
		if left {
			l.PushLeft(v)
		} else {
			l.PushRight(v)
		}
	}
	c.W.Int(int64(l.Len()))
	c.Propagate()
}

// pop is [LR]POP key [count].
func (lc *Commands) pop(c *server.Client, left bool) {
	if len(c.Args) > 3 {
		c.ErrArity()
		return
	}
	count, ok := cmdarg.PopCount(c)
	if !ok {
		return
	}
	key := c.Args[1]
	l, ok := lc.write(c, key)
	if !ok {
		return
	}
	if l == nil {
		if count >= 0 {
			c.W.NullArray()
		} else {
			c.W.Null()
		}
		return
	}
	if count == 0 {
		c.W.Array(0)
		return
	}
	if count < 0 {
		v := popOne(l, left)
		c.W.Bulk(v)
	} else {
		n := int(min(count, int64(l.Len())))
		c.W.Array(n)
		for i := 0; i < n; i++ {
			c.W.Bulk(popOne(l, left))
		}
	}
	lc.dropIfEmpty(c, key, l)
	c.Propagate()
}

func popOne(l *List, left bool) []byte {
	if left {
		v, _ := l.PopLeft()
		return v
	}
	v, _ := l.PopRight()
	return v
}

func (lc *Commands) llen(c *server.Client) {
	l, ok := lc.read(c, c.Args[1])
	if !ok {
		return
	}
	if l == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(l.Len()))
}

func (lc *Commands) lrange(c *server.Client) {
	start, ok1 := resp.ParseInt(c.Args[2])
	stop, ok2 := resp.ParseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	l, ok := lc.read(c, c.Args[1])
	if !ok {
		return
	}
	if l == nil {
		c.W.Array(0)
		return
	}
	a, b, ok := cmdarg.Clamp(start, stop, l.Len())
	if !ok {
		c.W.Array(0)
		return
	}
	c.W.Array(b - a + 1)
	l.Range(a, b, false, func(v []byte) bool { c.W.Bulk(v); return true })
}

func (lc *Commands) lindex(c *server.Client) {
	l, ok := lc.read(c, c.Args[1])
	if !ok {
		return
	}
	if l == nil { // a missing key answers null before the index is parsed, as in Redis
		c.W.Null()
		return
	}
	i, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	if i >= int64(l.Len()) || i < -int64(l.Len()) {
		c.W.Null()
		return
	}
	v, _ := l.Index(int(i))
	c.W.Bulk(v)
}

func (lc *Commands) lset(c *server.Client) {
	l, ok := lc.write(c, c.Args[1])
	if !ok {
		return
	}
	if l == nil {
		c.W.Error("ERR no such key")
		return
	}
	i, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	if i >= int64(l.Len()) || i < -int64(l.Len()) || !l.Set(int(i), c.Args[3]) {
		c.W.Error("ERR index out of range")
		return
	}
	c.OK()
	c.Propagate()
}

func (lc *Commands) lrem(c *server.Client) {
	count, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	key := c.Args[1]
	l, ok := lc.write(c, key)
	if !ok {
		return
	}
	if l == nil {
		c.W.Int(0)
		return
	}
	n := l.Remove(int(max(count, -math.MaxInt)), c.Args[3])
	c.W.Int(int64(n))
	if n > 0 {
		lc.dropIfEmpty(c, key, l)
		c.Propagate()
	}
}

func (lc *Commands) ltrim(c *server.Client) {
	start, ok1 := resp.ParseInt(c.Args[2])
	stop, ok2 := resp.ParseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	key := c.Args[1]
	l, ok := lc.write(c, key)
	if !ok {
		return
	}
	if l == nil {
		c.OK()
		return
	}
	before := l.Len()
	if a, b, ok := cmdarg.Clamp(start, stop, l.Len()); ok {
		l.Trim(a, b)
	} else {
		l.Clear()
	}
	c.OK()
	if l.Len() != before {
		lc.dropIfEmpty(c, key, l)
		c.Propagate()
	}
}

func (lc *Commands) linsert(c *server.Client) {
	var after bool
	switch {
	case cmdarg.Is(c.Args[2], "after"):
		after = true
	case cmdarg.Is(c.Args[2], "before"):
	default:
		c.ErrSyntax()
		return
	}
	l, ok := lc.write(c, c.Args[1])
	if !ok {
		return
	}
	if l == nil {
		c.W.Int(0)
		return
	}
	n := l.Insert(c.Args[3], c.Args[4], after)
	c.W.Int(int64(n))
	if n > 0 {
		c.Propagate()
	}
}

// lpos is LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
func (lc *Commands) lpos(c *server.Client) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for j := 3; j < len(c.Args); j++ {
		more := j+1 < len(c.Args)
		switch {
		case cmdarg.Is(c.Args[j], "rank") && more:
			j++
			v, ok := resp.ParseInt(c.Args[j])
			if !ok {
				c.W.Error(cmdarg.ErrNotInt)
				return
			}
			if v == 0 {
				c.W.Error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
				return
			}
			rank = v
		case (cmdarg.Is(c.Args[j], "count") || cmdarg.Is(c.Args[j], "maxlen")) && more:
			j++
			v, ok := resp.ParseInt(c.Args[j])
			name := strings.ToUpper(string(c.Args[j-1]))
			if !ok || v < 0 {
				c.W.Error("ERR " + name + " can't be negative")
				return
			}
			if name == "COUNT" {
				count = v
			} else {
				maxlen = v
			}
		default:
			c.ErrSyntax()
			return
		}
	}
	l, ok := lc.read(c, c.Args[1])
	if !ok {
		return
	}
	if l == nil {
		if count != -1 {
			c.W.Array(0)
		} else {
			c.W.Null()
		}
		return
	}
	if rank == math.MinInt64 {
		rank = -1 // Redis negates it, overflows, and so matches the first hit from the tail
	}
	want := int(count)
	if count == -1 {
		want = 1
	}
	pos := l.Positions(c.Args[2], int(rank), want, int(min(maxlen, math.MaxInt)))
	if count == -1 {
		if len(pos) == 0 {
			c.W.Null()
		} else {
			c.W.Int(int64(pos[0]))
		}
		return
	}
	c.W.Array(len(pos))
	for _, p := range pos {
		c.W.Int(int64(p))
	}
}

// side parses LEFT or RIGHT.
func side(arg []byte) (left, ok bool) {
	switch {
	case cmdarg.Is(arg, "left"):
		return true, true
	case cmdarg.Is(arg, "right"):
		return false, true
	}
	return false, false
}

func (lc *Commands) lmove(c *server.Client) {
	from, ok1 := side(c.Args[3])
	to, ok2 := side(c.Args[4])
	if !ok1 || !ok2 {
		c.ErrSyntax()
		return
	}
	lc.move(c, from, to)
}

func (lc *Commands) rpoplpush(c *server.Client) { lc.move(c, false, true) }

// move is LMOVE's core (lmoveGenericCommand): pop from the source, push
// to the destination (which may be the same list), reply the element.
func (lc *Commands) move(c *server.Client, fromLeft, toLeft bool) {
	src, dstKey := c.Args[1], c.Args[2]
	sl, ok := lc.write(c, src)
	if !ok {
		return
	}
	if sl == nil {
		c.W.Null()
		return
	}
	dl, ok := lc.write(c, dstKey)
	if !ok {
		return
	}
	v := popOne(sl, fromLeft)
	if dl == nil {
		dl = lc.create(c, dstKey)
	}
	if toLeft {
		dl.PushLeft(v)
	} else {
		dl.PushRight(v)
	}
	c.W.Bulk(v)
	lc.dropIfEmpty(c, src, sl)
	c.Propagate()
}

// lmpop is LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count].
func (lc *Commands) lmpop(c *server.Client) {
	keys, left, count, ok := cmdarg.MPop(c, 1, side)
	if !ok {
		return
	}
	for _, key := range keys {
		l, ok := lc.write(c, key)
		if !ok {
			return
		}
		if l == nil || l.Len() == 0 {
			continue
		}
		n := int(min(count, int64(l.Len())))
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.Array(n)
		for i := 0; i < n; i++ {
			c.W.Bulk(popOne(l, left))
		}
		name := "RPOP"
		if left {
			name = "LPOP"
		}
		prop := [][]byte{[]byte(name), key, strconv.AppendInt(nil, int64(n), 10)}
		lc.dropIfEmpty(c, key, l)
		c.Propagate(prop...)
		return
	}
	c.W.NullArray()
}

// Copy is a deep copy for COPY (chapter 11's db.Value contract).
func (l *List) Copy() any { return l.Clone() }

// AppendRewrite appends the commands that recreate the list under key for
// the AOF rewrite: RPUSH, head to tail, typecmd.RewriteItems elements per
// command, as Redis's rewriteListObject.
func (l *List) AppendRewrite(dst []byte, key string) []byte {
	if l.n == 0 {
		return dst
	}
	i := 0
	l.Range(0, l.n-1, false, func(v []byte) bool {
		if i%typecmd.RewriteItems == 0 {
			dst = typecmd.AppendRewriteCommand(dst, "RPUSH", key, min(l.n-i, typecmd.RewriteItems), 1)
		}
		dst = resp.AppendBulk(dst, v)
		i++
		return true
	})
	return dst
}
