package cache

import (
	"math"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// GET key
func (ca *Cache) get(c *server.Client) {
	e := ca.lookupRead(c, c.Args[1])
	if e == nil {
		c.W.Null()
		return
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(errWrongType)
		return
	}
	c.W.Bulk(b)
}

// Expiry options of SET, as Redis's OBJ_EX... flags.
const (
	optEX = 1 + iota
	optPX
	optEXAT
	optPXAT
)

// setOptions is what SET's arguments after the value asked for.
type setOptions struct {
	nx, xx, get, keepTTL bool
	expiry               int    // optEX...optPXAT, 0 for none
	expArg               []byte // the number after it
}

// parseSet reads SET's options the way Redis 7.0's
// parseExtendedStringArgumentsOrReply does, including which
// combinations are accepted: NX with XX, or two different expiry
// options, is a syntax error, while repeating one option is not.
func parseSet(args [][]byte) (o setOptions, ok bool) {
	for j := 3; j < len(args); j++ {
		opt := args[j]
		next := j+1 < len(args)
		switch {
		case eq(opt, "nx") && !o.xx:
			o.nx = true
		case eq(opt, "xx") && !o.nx:
			o.xx = true
		case eq(opt, "get"):
			o.get = true
		case eq(opt, "keepttl") && o.expiry == 0:
			o.keepTTL = true
		default:
			kind := expiryOption(opt)
			if kind == 0 || !o.onlyExpiry(kind) || !next {
				return o, false
			}
			o.expiry, o.expArg = kind, args[j+1]
			j++
		}
	}
	return o, true
}

func expiryOption(opt []byte) int {
	switch {
	case eq(opt, "ex"):
		return optEX
	case eq(opt, "px"):
		return optPX
	case eq(opt, "exat"):
		return optEXAT
	case eq(opt, "pxat"):
		return optPXAT
	}
	return 0
}

// onlyExpiry reports whether expiry option opt may be given: no KEEPTTL
// and no other expiry option so far.
func (o *setOptions) onlyExpiry(opt int) bool {
	return !o.keepTTL && (o.expiry == 0 || o.expiry == opt)
}

// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms | KEEPTTL]
//
// The AOF gets a relative expiry as an absolute one (SET key value PXAT
// ms), so replaying the file later does not extend the key's life; GET
// is dropped from what is propagated, since replaying needs no reply.
func (ca *Cache) set(c *server.Client) {
	key, val := c.Args[1], c.Args[2]
	o, ok := parseSet(c.Args)
	if !ok {
		c.ErrSyntax()
		return
	}
	var at int64
	if o.expiry != 0 {
		if at, ok = ca.setExpiry(c, &o); !ok {
			return
		}
	}
	if o.get {
		e := ca.lookupRead(c, key)
		if e == nil {
			c.W.Null()
		} else if b, ok := e.Bytes(); ok {
			c.W.Bulk(b)
		} else {
			c.Error(errWrongType)
			return
		}
	}
	db, now := ca.db(c), ca.now()
	var e *keyspace.Entry
	if o.nx || o.xx || o.keepTTL {
		e = db.LookupWrite(key, now)
		if (o.nx && e != nil) || (o.xx && e == nil) {
			if !o.get {
				c.W.Null()
			}
			return
		}
	}
	if e != nil && o.keepTTL {
		e.SetBytes(val)
	} else {
		e = db.SetString(key, val, now)
	}
	if o.expiry != 0 {
		db.SetExpire(e, at)
	}
	if !o.get {
		c.OK()
	}
	switch {
	case o.expiry != 0:
		c.Propagate([]byte("SET"), key, val, []byte("PXAT"), strconv.AppendInt(nil, at, 10))
	case o.get && o.expiry == 0:
		args := make([][]byte, 0, len(c.Args))
		for j, a := range c.Args {
			if j < 3 || !eq(a, "get") {
				args = append(args, a)
			}
		}
		c.Propagate(args...)
	default:
		c.Propagate()
	}
}

// setExpiry turns SET's expiry argument into unix milliseconds.
func (ca *Cache) setExpiry(c *server.Client, o *setOptions) (int64, bool) {
	seconds := o.expiry == optEX || o.expiry == optEXAT
	relative := o.expiry == optEX || o.expiry == optPX
	return ca.ExpireMillis(c, o.expArg, seconds, relative)
}

// ExpireMillis turns the expiry argument of SET, SETEX, GETEX... into
// unix milliseconds with Redis's checks (getExpireMillisecondsOrReply),
// replying the error itself: arg counts seconds or milliseconds, from
// now (relative) or from the epoch.
func (ca *Cache) ExpireMillis(c *server.Client, arg []byte, seconds, relative bool) (int64, bool) {
	ms, ok := resp.ParseInt(arg)
	if !ok {
		c.Error(errNotInt)
		return 0, false
	}
	invalid := "ERR invalid expire time in '" + c.LastCmd.FullName() + "' command"
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		c.Error(invalid)
		return 0, false
	}
	if seconds {
		ms *= 1000
	}
	if relative {
		ms += ca.clock() // may wrap to negative, caught below as in Redis
	}
	if ms <= 0 {
		c.Error(invalid)
		return 0, false
	}
	return ms, true
}

// MGET key [key ...]: a key that is missing or not a string reads as nil.
func (ca *Cache) mget(c *server.Client) {
	keys := c.Args[1:]
	c.W.Array(len(keys))
	for _, k := range keys {
		e := ca.lookupRead(c, k)
		if e == nil {
			c.W.Null()
			continue
		}
		if b, ok := e.Bytes(); ok {
			c.W.Bulk(b)
		} else {
			c.W.Null()
		}
	}
}

// MSET key value [key value ...]
func (ca *Cache) mset(c *server.Client) {
	if len(c.Args)%2 == 0 {
		c.ErrArity()
		return
	}
	db, now := ca.db(c), ca.now()
	for j := 1; j < len(c.Args); j += 2 {
		db.SetString(c.Args[j], c.Args[j+1], now)
	}
	c.OK()
	c.Propagate()
}

// INCRBY key increment
func (ca *Cache) incrby(c *server.Client) {
	n, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error(errNotInt)
		return
	}
	ca.incrDecr(c, n)
}

// DECRBY key decrement: negating the smallest int64 would overflow.
func (ca *Cache) decrby(c *server.Client) {
	n, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error(errNotInt)
		return
	}
	if n == math.MinInt64 {
		c.Error("ERR decrement would overflow")
		return
	}
	ca.incrDecr(c, -n)
}

// incrDecr is INCR, DECR, INCRBY and DECRBY: the value must be a decimal
// int64 as Redis's string2ll reads it, the result must not overflow, and
// the key keeps its time to live. The new digits usually have the
// length of the old ones, so the value's buffer is reused.
func (ca *Cache) incrDecr(c *server.Client, by int64) {
	db, now := ca.db(c), ca.now()
	e := db.LookupWrite(c.Args[1], now)
	var v int64
	if e != nil {
		b, ok := e.Bytes()
		if !ok {
			c.Error(errWrongType)
			return
		}
		if v, ok = resp.ParseInt(b); !ok {
			c.Error(errNotInt)
			return
		}
	}
	if (by < 0 && v < 0 && by < math.MinInt64-v) || (by > 0 && v > 0 && by > math.MaxInt64-v) {
		c.Error(errOverflow)
		return
	}
	v += by
	var buf [20]byte
	digits := strconv.AppendInt(buf[:0], v, 10)
	if e == nil {
		db.SetString(c.Args[1], digits, now)
	} else {
		e.SetBytes(digits)
	}
	c.W.Int(v)
	c.Propagate()
}

// APPEND key value: creates the key if needed; the result may not exceed
// MaxStringLen.
func (ca *Cache) append(c *server.Client) {
	db, now := ca.db(c), ca.now()
	key, val := c.Args[1], c.Args[2]
	e := db.LookupWrite(key, now)
	if e == nil {
		db.SetString(key, val, now)
		c.W.Int(int64(len(val)))
		c.Propagate()
		return
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(errWrongType)
		return
	}
	if int64(len(b))+int64(len(val)) > min(ca.MaxStringLen, keyspace.MaxLen) {
		c.Error(errTooBig)
		return
	}
	c.W.Int(int64(e.Append(val)))
	c.Propagate()
}

// STRLEN key
func (ca *Cache) strlen(c *server.Client) {
	e := ca.lookupRead(c, c.Args[1])
	if e == nil {
		c.W.Int(0)
		return
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(errWrongType)
		return
	}
	c.W.Int(int64(len(b)))
}

// eq compares an argument with a lowercase word, ignoring ASCII case.
func eq(arg []byte, word string) bool {
	if len(arg) != len(word) {
		return false
	}
	for i, ch := range arg {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != word[i] {
			return false
		}
	}
	return true
}
