package cache

import (
	"math"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/glob"
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// DEL key [key ...]: the AOF gets the command only if it deleted
// something (a key that had expired was already propagated as DEL).
func (ca *Cache) del(c *server.Client) {
	db, now := ca.db(c), ca.now()
	n := 0
	for _, k := range c.Args[1:] {
		if db.Delete(k, now) {
			n++
		}
	}
	c.W.Int(int64(n))
	if n > 0 {
		c.Propagate()
	}
}

// EXISTS key [key ...]: a key named twice counts twice.
func (ca *Cache) exists(c *server.Client) {
	n := 0
	for _, k := range c.Args[1:] {
		if ca.peekRead(c, k) != nil {
			n++
		}
	}
	c.W.Int(int64(n))
}

// TTL key, PTTL key: -2 for no key, -1 for no expiry; TTL rounds to the
// nearest second, as Redis does.
func (ca *Cache) ttl(c *server.Client, ms bool) {
	e := ca.peekRead(c, c.Args[1])
	switch {
	case e == nil:
		c.W.Int(-2)
	case e.ExpireAt == 0:
		c.W.Int(-1)
	default:
		left := max(e.ExpireAt-ca.clock(), 0)
		if !ms {
			left = (left + 500) / 1000
		}
		c.W.Int(left)
	}
}

// Options of the EXPIRE family (Redis 7).
const (
	expireNX = 1 << iota
	expireXX
	expireGT
	expireLT
)

// parseExpireOptions is Redis's parseExtendedExpireArgumentsOrReply.
func parseExpireOptions(c *server.Client) (flags int, ok bool) {
	for _, opt := range c.Args[3:] {
		switch {
		case eq(opt, "nx"):
			flags |= expireNX
		case eq(opt, "xx"):
			flags |= expireXX
		case eq(opt, "gt"):
			flags |= expireGT
		case eq(opt, "lt"):
			flags |= expireLT
		default:
			c.Error("ERR Unsupported option " + string(opt))
			return 0, false
		}
	}
	if flags&expireNX != 0 && flags&(expireXX|expireGT|expireLT) != 0 {
		c.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
		return 0, false
	}
	if flags&expireGT != 0 && flags&expireLT != 0 {
		c.Error("ERR GT and LT options at the same time are not compatible")
		return 0, false
	}
	return flags, true
}

// expire is EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT (Redis's
// expireGenericCommand): the time argument times unit (1000 for seconds)
// plus basetime (now for the relative forms) is the expiry in unix ms.
//
// A time already past deletes the key, and the AOF gets DEL; otherwise
// the AOF gets PEXPIREAT with the absolute time, so that replaying it
// later gives the key the same end, not a new one.
func (ca *Cache) expire(c *server.Client, basetime, unit int64) {
	flags, ok := parseExpireOptions(c)
	if !ok {
		return
	}
	when, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error(errNotInt)
		return
	}
	invalid := "ERR invalid expire time in '" + c.LastCmd.FullName() + "' command"
	if unit == 1000 {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.Error(invalid)
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-basetime {
		c.Error(invalid)
		return
	}
	when += basetime

	db := ca.db(c)
	e := db.LookupWrite(c.Args[1], ca.now())
	if e == nil || !expireAllowed(flags, e.ExpireAt, when) {
		c.W.Int(0)
		return
	}
	if when <= ca.clock() && !ca.Loading() {
		db.Remove(e)
		c.W.Int(1)
		c.Propagate([]byte("DEL"), c.Args[1])
		return
	}
	if when <= 0 {
		when = 1 // while loading: keep "expired", as 0 would mean "no expiry"
	}
	db.SetExpire(e, when)
	c.W.Int(1)
	if basetime == 0 && unit == 1 {
		c.Propagate() // PEXPIREAT already is the replayable form
		return
	}
	args := append([][]byte{[]byte("PEXPIREAT"), c.Args[1], strconv.AppendInt(nil, when, 10)}, c.Args[3:]...)
	c.Propagate(args...)
}

// expireAllowed applies NX, XX, GT and LT to the current expiry (0 for
// none, which counts as infinite for GT and LT).
func expireAllowed(flags int, current, when int64) bool {
	switch {
	case flags&expireNX != 0 && current != 0:
		return false
	case flags&expireXX != 0 && current == 0:
		return false
	case flags&expireGT != 0 && (current == 0 || when <= current):
		return false
	case flags&expireLT != 0 && current != 0 && when >= current:
		return false
	}
	return true
}

// PERSIST key
func (ca *Cache) persist(c *server.Client) {
	e := ca.db(c).LookupWrite(c.Args[1], ca.now())
	if e == nil || !ca.db(c).Persist(e) {
		c.W.Int(0)
		return
	}
	c.W.Int(1)
	c.Propagate()
}

// SELECT index: later commands of this client use that database. The
// AOF needs no SELECT from here: propagation carries the index.
func (ca *Cache) selectDB(c *server.Client) {
	id, ok := resp.ParseInt(c.Args[1])
	if !ok {
		c.Error(errNotInt)
		return
	}
	if id < math.MinInt32 || id > math.MaxInt32 {
		c.Error("ERR value is out of range, value must between -2147483648 and 2147483647")
		return
	}
	if id < 0 || id >= int64(len(ca.DBs)) {
		c.Error("ERR DB index is out of range")
		return
	}
	c.DB = int(id)
	c.OK()
}

// DBSIZE: keys in the selected database, counting expired keys not yet
// removed, as Redis does.
func (ca *Cache) dbsize(c *server.Client) { c.W.Int(int64(ca.db(c).Len())) }

// FLUSHALL [ASYNC | SYNC]: always propagated, even when there was
// nothing to remove, so a replayed AOF empties what came before.
func (ca *Cache) flushall(c *server.Client) {
	if len(c.Args) > 2 || (len(c.Args) == 2 && !eq(c.Args[1], "sync") && !eq(c.Args[1], "async")) {
		c.ErrSyntax()
		return
	}
	for _, db := range ca.DBs {
		ca.srv.Dirty += int64(db.Len())
		db.Flush()
	}
	c.OK()
	c.Propagate()
}

// KEYS pattern: every key that matches and has not expired; expired keys
// are skipped, not removed.
func (ca *Cache) keys(c *server.Client) {
	pattern := c.Args[1]
	all := len(pattern) == 1 && pattern[0] == '*'
	now := ca.now()
	var keys []string
	collect := func(e *keyspace.Entry) {
		if (all || glob.Match(pattern, []byte(e.Key), false)) && !e.IsExpired(now) {
			keys = append(keys, e.Key)
		}
	}
	db := ca.db(c)
	for cursor := db.Scan(0, math.MaxInt32, collect); cursor != 0; {
		cursor = db.Scan(cursor, math.MaxInt32, collect)
	}
	c.W.Array(len(keys))
	for _, k := range keys {
		c.W.BulkString(k)
	}
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: one step of the
// keyspace's reverse-binary cursor. Keys are filtered after they are
// collected (pattern, expiry, type), so a step may return fewer than
// COUNT keys, or none, with a cursor that is not 0.
func (ca *Cache) scan(c *server.Client) {
	cursor, ok := parseCursor(c.Args[1])
	if !ok {
		c.Error("ERR invalid cursor")
		return
	}
	count := 10
	var pattern, typ []byte
	for i := 2; i < len(c.Args); i += 2 {
		more := len(c.Args)-i >= 2
		switch {
		case eq(c.Args[i], "count") && more:
			n, ok := resp.ParseInt(c.Args[i+1])
			if !ok || n > math.MaxInt32 {
				if !ok {
					c.Error(errNotInt)
					return
				}
				n = math.MaxInt32
			}
			if n < 1 {
				c.ErrSyntax()
				return
			}
			count = int(n)
		case eq(c.Args[i], "match") && more:
			pattern = c.Args[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		case eq(c.Args[i], "type") && more:
			typ = c.Args[i+1]
		default:
			c.ErrSyntax()
			return
		}
	}
	db := ca.db(c)
	var keys []string
	cursor = db.Scan(cursor, count, func(e *keyspace.Entry) { keys = append(keys, e.Key) })
	now := ca.now()
	kept := keys[:0]
	for _, k := range keys {
		if pattern != nil && !glob.Match(pattern, []byte(k), false) {
			continue
		}
		e := db.Peek([]byte(k), now) // an expired key is removed now, as Redis's expireIfNeeded
		if typ != nil && !eq(typ, ca.typeName(e)) {
			continue
		}
		if e == nil {
			continue
		}
		kept = append(kept, k)
	}
	c.W.Array(2)
	c.W.BulkString(strconv.FormatUint(cursor, 10))
	c.W.Array(len(kept))
	for _, k := range kept {
		c.W.BulkString(k)
	}
}

// parseCursor reads SCAN's cursor like Redis's strtoull-based
// parseScanCursorOrReply: an optional sign ("-1" wraps around), digits,
// nothing else; an empty string is 0.
func parseCursor(b []byte) (uint64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	if len(b) == 0 {
		return 0, true
	}
	v, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}
