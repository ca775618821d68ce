package block

import (
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/list"
)

// commands is the command table: Redis 7.0's arity, flags and key
// positions.
func (b *Block) commands() []*server.Command {
	const (
		w, oom, ns, blk, mk = server.Write, server.DenyOOM, server.NoScript, server.Blocking, server.Movablekeys
	)
	return []*server.Command{
		server.NewCommand("blpop", -3, w|ns|blk, 1, -2, 1, "list", func(c *server.Client) { b.bpop(c, true) }),
		server.NewCommand("brpop", -3, w|ns|blk, 1, -2, 1, "list", func(c *server.Client) { b.bpop(c, false) }),
		server.NewCommand("brpoplpush", 4, w|oom|ns|blk, 1, 2, 1, "list", b.brpoplpush),
		server.NewCommand("blmove", 6, w|oom|ns|blk, 1, 2, 1, "list", b.blmove),
		server.NewCommand("blmpop", -5, w|blk|mk, 0, 0, 0, "list", b.blmpop),
	}
}

// keysOf copies the key arguments a waiter keeps, each once (a client
// waits on a key once however often it names it, as in Redis).
func keysOf(args [][]byte) []string {
	keys := make([]string, 0, len(args))
	seen := make(map[string]bool, len(args))
	for _, a := range args {
		if k := string(a); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// Timeout parses a blocking command's timeout argument (seconds) into
// milliseconds, 0 for none, replying the error if it is bad.
func Timeout(c *server.Client, arg []byte) (int64, bool) {
	ms, msg := parseTimeout(arg)
	if msg != "" {
		c.Error(msg)
		return 0, false
	}
	return ms, true
}

// bpop is BLPOP and BRPOP key [key ...] timeout: pop from the first
// non-empty list, as [LR]POP, or wait.
func (b *Block) bpop(c *server.Client, left bool) {
	ms, ok := Timeout(c, c.Args[len(c.Args)-1])
	if !ok {
		return
	}
	b.popFirst(c, ms, c.Args[1:len(c.Args)-1], &listWant{b: b, left: left, count: -1})
}

// blmpop is BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count].
// Like Redis, it checks its other arguments before the timeout.
func (b *Block) blmpop(c *server.Client) {
	keys, where, count, ok := cmdarg.MPop(c, 2, listSide)
	if !ok {
		return
	}
	ms, ok := Timeout(c, c.Args[1])
	if !ok {
		return
	}
	b.popFirst(c, ms, keys, &listWant{b: b, left: where, count: count})
}

// PopOrWait is blockingPopGenericCommand (and, for sorted sets,
// blockingGenericZpopCommand): the first key holding a non-empty value of
// type T is popped at once with pop, which replies and returns the
// command that replays the pop; a key of another type is an error; with
// none, the client waits for them all with want (inside EXEC it gets a
// null array instead).
func PopOrWait[T interface{ Len() int }](b *Block, c *server.Client, ms int64, keys [][]byte, want Want,
	pop func(db *keyspace.DB, now int64, key []byte, v T) [][]byte) {
	db, now := b.ca.DB(c), b.ca.Now()
	for _, key := range keys {
		e := db.LookupWrite(key, now)
		if e == nil {
			continue
		}
		v, ok := e.Value.(T)
		if !ok {
			c.Error(cache.ErrWrongType)
			return
		}
		if v.Len() == 0 {
			continue
		}
		c.Propagate(pop(db, now, key, v)...)
		return
	}
	if b.nested(c) {
		c.W.NullArray()
		return
	}
	b.Wait(c, keys, ms, want)
}

// popFirst pops from the first list of keys that holds something, or
// waits for one.
func (b *Block) popFirst(c *server.Client, ms int64, keys [][]byte, w *listWant) {
	PopOrWait(b, c, ms, keys, w, func(db *keyspace.DB, now int64, key []byte, l *list.List) [][]byte {
		return popList(c.W, db, now, key, l, w.left, w.count)
	})
}

// popList pops for BLPOP (count -1: reply [key, element]) or BLMPOP
// (reply [key, [elements]]), deletes the list if that emptied it, and
// returns the LPOP/RPOP that replays it.
func popList(rw replyWriter, db *keyspace.DB, now int64, key []byte, l *list.List, left bool, count int64) [][]byte {
	name := "RPOP"
	if left {
		name = "LPOP"
	}
	rw.Array(2)
	rw.Bulk(key)
	prop := [][]byte{[]byte(name), key}
	if count < 0 {
		rw.Bulk(pop(l, left))
	} else {
		n := int(min(count, int64(l.Len())))
		rw.Array(n)
		for i := 0; i < n; i++ {
			rw.Bulk(pop(l, left))
		}
		prop = append(prop, strconv.AppendInt(nil, int64(n), 10))
	}
	if l.Len() == 0 {
		db.Delete(key, now)
	}
	return prop
}

func pop(l *list.List, left bool) []byte {
	if left {
		v, _ := l.PopLeft()
		return v
	}
	v, _ := l.PopRight()
	return v
}

func push(l *list.List, v []byte, left bool) {
	if left {
		l.PushLeft(v)
	} else {
		l.PushRight(v)
	}
}

// listSide parses LEFT or RIGHT (true: left).
func listSide(arg []byte) (bool, bool) {
	switch {
	case cache.Eq(arg, "left"):
		return true, true
	case cache.Eq(arg, "right"):
		return false, true
	}
	return false, false
}

// blmove is BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
func (b *Block) blmove(c *server.Client) {
	from, ok1 := listSide(c.Args[3])
	to, ok2 := listSide(c.Args[4])
	if !ok1 || !ok2 {
		c.ErrSyntax()
		return
	}
	ms, ok := Timeout(c, c.Args[5])
	if !ok {
		return
	}
	b.moveOrWait(c, ms, from, to, [][]byte{[]byte("LMOVE"), c.Args[1], c.Args[2], c.Args[3], c.Args[4]})
}

// brpoplpush is BRPOPLPUSH source destination timeout, BLMOVE RIGHT LEFT
// replayed as RPOPLPUSH.
func (b *Block) brpoplpush(c *server.Client) {
	ms, ok := Timeout(c, c.Args[3])
	if !ok {
		return
	}
	b.moveOrWait(c, ms, false, true, [][]byte{[]byte("RPOPLPUSH"), c.Args[1], c.Args[2]})
}

// moveOrWait is blmoveGenericCommand: move at once if the source holds a
// list, else wait for it (in a transaction: reply null, a null bulk here
// where the others reply a null array, as Redis does).
func (b *Block) moveOrWait(c *server.Client, ms int64, from, to bool, prop [][]byte) {
	src := c.Args[1]
	db, now := b.ca.DB(c), b.ca.Now()
	e := db.LookupWrite(src, now)
	if e != nil {
		sl, ok := e.Value.(*list.List)
		if !ok {
			c.Error(cache.ErrWrongType)
			return
		}
		v, ok := b.move(db, now, src, sl, c.Args[2], from, to)
		if !ok {
			c.Error(cache.ErrWrongType)
			return
		}
		c.W.Bulk(v)
		c.Propagate(prop...)
		return
	}
	if b.nested(c) {
		c.W.Null()
		return
	}
	w := &listWant{b: b, left: from, count: -1, move: true, dst: string(c.Args[2]), toLeft: to}
	for _, a := range prop {
		w.moveArgs = append(w.moveArgs, append([]byte(nil), a...))
	}
	b.Wait(c, [][]byte{src}, ms, w)
}

// move pops from the source list and pushes onto the destination,
// creating it, as lmoveGenericCommand; ok is false (and nothing moved)
// when the destination holds another type.
func (b *Block) move(db *keyspace.DB, now int64, srcKey []byte, src *list.List, dstKey []byte, from, to bool) (v []byte, ok bool) {
	de := db.LookupWrite(dstKey, now)
	var dst *list.List
	if de != nil {
		if dst, ok = de.Value.(*list.List); !ok {
			return nil, false
		}
	}
	v = append([]byte(nil), pop(src, from)...)
	if dst == nil {
		dst = &list.List{Fill: b.lists.Fill}
		db.Set(dstKey, dst, now)
	}
	push(dst, v, to)
	if src.Len() == 0 {
		db.Delete(srcKey, now)
	}
	return v, true
}

// replyWriter is what popping writes its reply with: the running
// command's writer or the one for a served client.
type replyWriter interface {
	Array(int)
	Bulk([]byte)
	Double(float64)
}
