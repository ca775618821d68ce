package db

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/07-hashes-sets/longdouble"

	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// readString is Redis's getGenericCommand: it replies the value of key
// (nil when absent) and reports false after a WRONGTYPE error.
func (k *Keys) readString(c *server.Client, key []byte) bool {
	e := k.LookupRead(c, key)
	if e == nil {
		c.W.Null()
		return true
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(cache.ErrWrongType)
		return false
	}
	c.W.Bulk(b)
	return true
}

// GETSET key value: SET that replies the old value. The AOF gets SET.
func (k *Keys) getset(c *server.Client) {
	if !k.readString(c, c.Args[1]) {
		return
	}
	k.DB(c).SetString(c.Args[1], c.Args[2], k.Now())
	c.Propagate([]byte("SET"), c.Args[1], c.Args[2])
}

// GETDEL key: GET, then the key is deleted (the AOF gets DEL).
func (k *Keys) getdel(c *server.Client) {
	if !k.readString(c, c.Args[1]) {
		return
	}
	if k.DB(c).Delete(c.Args[1], k.Now()) {
		c.Propagate([]byte("DEL"), c.Args[1])
	}
}

// SETNX key value: 1 if the key was set, 0 if it existed.
func (k *Keys) setnx(c *server.Client) {
	db, now := k.DB(c), k.Now()
	if db.LookupWrite(c.Args[1], now) != nil {
		c.W.Int(0)
		return
	}
	db.SetString(c.Args[1], c.Args[2], now)
	c.W.Int(1)
	c.Propagate()
}

// SETEX key seconds value, PSETEX key milliseconds value: SET with a
// relative expiry, which the AOF gets as SET key value PXAT <ms>.
func (k *Keys) setex(c *server.Client, seconds bool) {
	at, ok := k.ExpireMillis(c, c.Args[2], seconds, true)
	if !ok {
		return
	}
	db := k.DB(c)
	e := db.SetString(c.Args[1], c.Args[3], k.Now())
	db.SetExpire(e, at)
	c.OK()
	c.Propagate([]byte("SET"), c.Args[1], c.Args[3], []byte("PXAT"), strconv.AppendInt(nil, at, 10))
}

// MSETNX key value [key value ...]: sets all the keys, or none when any
// of them exists.
func (k *Keys) msetnx(c *server.Client) {
	if len(c.Args)%2 == 0 {
		c.ErrArity()
		return
	}
	db, now := k.DB(c), k.Now()
	for j := 1; j < len(c.Args); j += 2 {
		if db.LookupWrite(c.Args[j], now) != nil {
			c.W.Int(0)
			return
		}
	}
	for j := 1; j < len(c.Args); j += 2 {
		db.SetString(c.Args[j], c.Args[j+1], now)
	}
	c.W.Int(1)
	c.Propagate()
}

// Expiry options of GETEX.
const (
	getexEX = 1 + iota
	getexPX
	getexEXAT
	getexPXAT
)

// getexOptions reads GETEX's options as Redis's
// parseExtendedStringArgumentsOrReply does for COMMAND_GET: one expiry
// option (repeating the same one is allowed, the last wins) or PERSIST,
// not both.
func getexOptions(args [][]byte) (kind int, arg []byte, persist, ok bool) {
	for j := 2; j < len(args); j++ {
		opt := args[j]
		var this int
		switch {
		case cache.Eq(opt, "persist") && kind == 0:
			persist = true
			continue
		case cache.Eq(opt, "ex"):
			this = getexEX
		case cache.Eq(opt, "px"):
			this = getexPX
		case cache.Eq(opt, "exat"):
			this = getexEXAT
		case cache.Eq(opt, "pxat"):
			this = getexPXAT
		}
		if this == 0 || persist || (kind != 0 && kind != this) || j+1 >= len(args) {
			return 0, nil, false, false
		}
		kind, arg = this, args[j+1]
		j++
	}
	return kind, arg, persist, true
}

// GETEX key [EX s | PX ms | EXAT ts | PXAT ms | PERSIST]: GET that also
// sets or removes the time to live. The AOF gets PEXPIREAT with the
// absolute time, PERSIST, or DEL when EXAT/PXAT is already past.
func (k *Keys) getex(c *server.Client) {
	kind, arg, persist, ok := getexOptions(c.Args)
	if !ok {
		c.ErrSyntax()
		return
	}
	key, db, now := c.Args[1], k.DB(c), k.Now()
	var e *keyspace.Entry
	if kind != 0 || persist {
		e = db.LookupWrite(key, now) // one access, as Redis's single lookupKeyRead
		k.countLookup(e)
	} else {
		e = k.LookupRead(c, key)
	}
	if e == nil {
		c.W.Null()
		return
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(cache.ErrWrongType)
		return
	}
	var at int64
	if kind != 0 {
		seconds := kind == getexEX || kind == getexEXAT
		relative := kind == getexEX || kind == getexPX
		if at, ok = k.ExpireMillis(c, arg, seconds, relative); !ok {
			return
		}
	}
	c.W.Bulk(b)
	switch {
	case (kind == getexEXAT || kind == getexPXAT) && at <= k.Clock() && !k.Loading():
		db.Remove(e)
		c.Propagate([]byte("DEL"), key)
	case kind != 0:
		db.SetExpire(e, at)
		c.Propagate([]byte("PEXPIREAT"), key, strconv.AppendInt(nil, at, 10))
	case persist:
		if db.Persist(e) {
			c.Propagate([]byte("PERSIST"), key)
		}
	}
}

// countLookup counts a read of a key that went through LookupWrite in
// keyspace_hits/keyspace_misses, as lookupKeyRead would have.
func (k *Keys) countLookup(e *keyspace.Entry) {
	if e == nil {
		k.srv.Stats.KeyspaceMisses++
	} else {
		k.srv.Stats.KeyspaceHits++
	}
}

// INCRBYFLOAT key increment: long double arithmetic, like Redis (see
// float.go). The key keeps its time to live; the AOF gets SET key
// <result> KEEPTTL, so replaying it cannot round differently.
func (k *Keys) incrbyfloat(c *server.Client) {
	db, now := k.DB(c), k.Now()
	e := db.LookupWrite(c.Args[1], now)
	cur := []byte("0")
	if e != nil {
		b, ok := e.Bytes()
		if !ok {
			c.Error(cache.ErrWrongType)
			return
		}
		cur = b
	}
	v, ok := longdouble.Parse(cur)
	if !ok {
		c.Error("ERR value is not a valid float")
		return
	}
	incr, ok := longdouble.Parse(c.Args[2])
	if !ok {
		c.Error("ERR value is not a valid float")
		return
	}
	sum, ok := longdouble.Add(v, incr)
	if !ok {
		c.Error("ERR increment would produce NaN or Infinity")
		return
	}
	out := []byte(longdouble.Format(sum))
	if e == nil {
		e = db.SetString(c.Args[1], out, now)
	} else {
		e.SetBytes(out)
	}
	e.SetForm(keyspace.FormComputed)
	c.W.Bulk(out)
	c.Propagate([]byte("SET"), c.Args[1], out, []byte("KEEPTTL"))
}

// GETRANGE key start end (and its old name SUBSTR): negative indexes
// count from the end; the range is clipped to the string.
func (k *Keys) getrange(c *server.Client) {
	start, ok1 := resp.ParseInt(c.Args[2])
	end, ok2 := resp.ParseInt(c.Args[3])
	if !ok1 || !ok2 {
		c.Error(cache.ErrNotInt)
		return
	}
	e := k.LookupRead(c, c.Args[1])
	if e == nil {
		c.W.BulkString("")
		return
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(cache.ErrWrongType)
		return
	}
	n := int64(len(b))
	if start < 0 && end < 0 && start > end {
		c.W.BulkString("")
		return
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		c.W.BulkString("")
		return
	}
	c.W.Bulk(b[start : end+1])
}

// SETRANGE key offset value: overwrite part of the string, padding with
// zero bytes; the result may not exceed proto-max-bulk-len.
func (k *Keys) setrange(c *server.Client) {
	off, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error(cache.ErrNotInt)
		return
	}
	if off < 0 {
		c.Error("ERR offset is out of range")
		return
	}
	key, val := c.Args[1], c.Args[3]
	db, now := k.DB(c), k.Now()
	e := db.LookupWrite(key, now)
	if e != nil {
		b, ok := e.Bytes()
		if !ok {
			c.Error(cache.ErrWrongType)
			return
		}
		if len(val) == 0 {
			c.W.Int(int64(len(b)))
			return
		}
	} else if len(val) == 0 {
		c.W.Int(0)
		return
	}
	if limit := min(k.MaxStringLen, keyspace.MaxLen); off > limit-int64(len(val)) {
		c.Error(cache.ErrTooBig)
		return
	}
	if e == nil {
		e = db.SetString(key, nil, now)
	}
	c.W.Int(int64(e.SetRange(int(off), val)))
	c.Propagate()
}
