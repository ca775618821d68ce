package rdbvalue

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

// Commands are DUMP and RESTORE, closures over the keyspace.
type Commands struct {
	keys  *db.Keys
	types Types
}

// Register adds DUMP and RESTORE to s.
func Register(s *server.Server, k *db.Keys, t Types) *Commands {
	dc := &Commands{keys: k, types: t}
	const w, r, oom = server.Write, server.ReadOnly, server.DenyOOM
	s.Commands.Add(
		server.NewCommand("dump", 2, r, 1, 1, 1, "generic", dc.dump),
		server.NewCommand("restore", -4, w|oom, 1, 1, 1, "generic", dc.restore),
	)
	return dc
}

// DUMP key: the value's payload (rdb.DumpValue), nil without the key.
func (dc *Commands) dump(c *server.Client) {
	e := dc.keys.LookupRead(c, c.Args[1])
	if e == nil {
		c.W.Null()
		return
	}
	v, err := FromEntry(e)
	if err != nil {
		c.Error("ERR DUMP is not supported for a value of type " + db.TypeName(e))
		return
	}
	c.W.Bulk(rdb.DumpValue(v, dc.types.Options()))
}

// restoreArgs are RESTORE's options.
type restoreArgs struct {
	replace, absTTL bool
	idle, freq      int64 // -1 when not given
}

// parseRestore reads the options after the payload in Redis's order,
// replying to a bad one; IDLETIME and FREQ exclude each other.
func parseRestore(c *server.Client) (restoreArgs, bool) {
	a := restoreArgs{idle: -1, freq: -1}
	for j := 4; j < len(c.Args); j++ {
		more := j+1 < len(c.Args)
		switch {
		case cache.Eq(c.Args[j], "replace"):
			a.replace = true
		case cache.Eq(c.Args[j], "absttl"):
			a.absTTL = true
		case cache.Eq(c.Args[j], "idletime") && more && a.freq == -1:
			n, ok := resp.ParseInt(c.Args[j+1])
			if !ok {
				c.Error("ERR value is not an integer or out of range")
				return a, false
			}
			if n < 0 {
				c.Error("ERR Invalid IDLETIME value, must be >= 0")
				return a, false
			}
			a.idle = n
			j++
		case cache.Eq(c.Args[j], "freq") && more && a.idle == -1:
			n, ok := resp.ParseInt(c.Args[j+1])
			if !ok {
				c.Error("ERR value is not an integer or out of range")
				return a, false
			}
			if n < 0 || n > 255 {
				c.Error("ERR Invalid FREQ value, must be >= 0 and <= 255")
				return a, false
			}
			a.freq = n
			j++
		default:
			c.ErrSyntax()
			return a, false
		}
	}
	return a, true
}

// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f], as
// Redis 7.0's restoreCommand: the checks in its order (options, BUSYKEY,
// TTL, payload), then a key already expired is not stored (a replaced
// one is deleted and DEL propagated), and a relative TTL is propagated
// as the absolute time with ABSTTL, so that replaying the AOF later
// gives the key the same deadline.
func (dc *Commands) restore(c *server.Client) {
	a, ok := parseRestore(c)
	if !ok {
		return
	}
	key, d, now := c.Args[1], dc.keys.DB(c), dc.keys.Now()
	if !a.replace && d.LookupWrite(key, now) != nil {
		c.Error("BUSYKEY Target key name already exists.")
		return
	}
	ttl, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error("ERR value is not an integer or out of range")
		return
	}
	if ttl < 0 {
		c.Error("ERR Invalid TTL value, must be >= 0")
		return
	}
	v, err := rdb.ParseDump(c.Args[3])
	var built any
	if err == nil {
		built, err = dc.types.Build(v)
	}
	if err != nil {
		if errors.Is(err, rdb.ErrDumpPayload) {
			c.Error(rdb.ErrDumpPayload.Error())
		} else {
			c.Error("ERR Bad data format")
		}
		return
	}
	deleted := a.replace && d.Delete(key, now)
	if ttl != 0 && !a.absTTL {
		ttl += dc.keys.Clock()
	}
	if ttl != 0 && ttl <= dc.keys.Clock() && !dc.keys.Loading() {
		if deleted {
			c.Propagate([]byte("DEL"), key)
		}
		c.OK()
		return
	}
	var e *keyspace.Entry
	if b, isString := built.([]byte); isString {
		e = d.SetString(key, b, now)
	} else {
		e = d.Set(key, built, now)
	}
	if ttl != 0 {
		d.SetExpire(e, ttl)
	}
	dc.setAccess(e, a)
	c.OK()
	if ttl != 0 && !a.absTTL {
		args := append([][]byte{}, c.Args...)
		args[2] = strconv.AppendInt(nil, ttl, 10)
		c.Propagate(append(args, []byte("ABSTTL"))...)
		return
	}
	c.Propagate()
}

// setAccess is objectSetLRUOrLFU: FREQ sets the LFU counter under an
// LFU policy, IDLETIME backdates the LRU clock under any other.
func (dc *Commands) setAccess(e *keyspace.Entry, a restoreArgs) {
	now := dc.keys.Clock()
	if strings.HasSuffix(dc.keys.Policy(), "-lfu") {
		if a.freq >= 0 {
			e.LRU = uint32(now/60000)&0xffff<<8 | uint32(a.freq)
		}
		return
	}
	if a.idle >= 0 {
		clock := int64(keyspace.LRUClock(now))
		abs := clock - a.idle
		if abs < 0 { // as Redis: an idle time past the clock's range
			abs = (clock + keyspace.LRUClockMax/2) % keyspace.LRUClockMax
		}
		e.LRU = uint32(abs)
	}
}
