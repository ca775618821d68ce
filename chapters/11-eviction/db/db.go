package db

import (
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// Keys is the keyspace layer: chapter 03's Cache (its databases, clock
// and lookups) and the commands added here.
type Keys struct {
	*cache.Cache

	// Policy reports the maxmemory-policy in force, which OBJECT FREQ and
	// OBJECT IDLETIME depend on. By default it reads the
	// "maxmemory-policy" option from the config registry ("noeviction"
	// when nobody registered one).
	Policy func() string

	srv *server.Server
}

// Register adds this package's commands to s, next to chapter 03's
// (registered by cache.Register, whose databases ca holds), and makes
// SCAN's TYPE filter know every type. Its OBJECT takes the place of
// chapter 06's, which has ENCODING alone.
func Register(s *server.Server, ca *cache.Cache) *Keys {
	k := &Keys{Cache: ca, srv: s}
	k.Policy = k.configPolicy
	ca.TypeName = TypeName
	s.Commands.Add(k.commands()...)
	if s.Commands["object"] != nil {
		s.Commands.Replace(k.objectCommand()) // chapter 06's OBJECT ENCODING, which this OBJECT extends
	} else {
		s.Commands.Add(k.objectCommand())
	}
	return k
}

// configPolicy reads maxmemory-policy from the config registry.
func (k *Keys) configPolicy() string {
	if p := k.srv.Config.Lookup("maxmemory-policy"); p != nil && p.Get != nil {
		return p.Get()
	}
	return "noeviction"
}

// lfu reports whether an LFU policy is in force (MAXMEMORY_FLAG_LFU).
func (k *Keys) lfu() bool { return strings.HasSuffix(k.Policy(), "-lfu") }

// parseDBIndex reads a database index as a C int, like Redis's
// getIntFromObjectOrReply.
func parseDBIndex(arg []byte) (int, bool) {
	n, ok := resp.ParseInt(arg)
	if !ok || n < -1<<31 || n > 1<<31-1 {
		return 0, false
	}
	return int(n), true
}

// dbIndex parses a database index with getIntFromObjectOrReply's error
// texts, then checks that the database exists (MOVE, COPY ... DB).
func (k *Keys) dbIndex(c *server.Client, arg []byte) (int, bool) {
	n, ok := parseDBIndex(arg)
	if !ok {
		if _, isInt := resp.ParseInt(arg); !isInt {
			c.Error(cache.ErrNotInt)
		} else {
			c.Error("ERR value is out of range, value must between -2147483648 and 2147483647")
		}
		return 0, false
	}
	if n < 0 || n >= len(k.DBs) {
		c.Error("ERR DB index is out of range")
		return 0, false
	}
	return n, true
}

// commands is the table of what this package adds: Redis 7.0's arity,
// flags, key positions and group for each.
func (k *Keys) commands() []*server.Command {
	const (
		w, r, fast, oom = server.Write, server.ReadOnly, server.Fast, server.DenyOOM
	)
	return []*server.Command{
		// strings
		server.NewCommand("getset", 3, w|oom|fast, 1, 1, 1, "string", k.getset),
		server.NewCommand("getdel", 2, w|fast, 1, 1, 1, "string", k.getdel),
		server.NewCommand("getex", -2, w|fast, 1, 1, 1, "string", k.getex),
		server.NewCommand("setnx", 3, w|oom|fast, 1, 1, 1, "string", k.setnx),
		server.NewCommand("setex", 4, w|oom, 1, 1, 1, "string", func(c *server.Client) { k.setex(c, true) }),
		server.NewCommand("psetex", 4, w|oom, 1, 1, 1, "string", func(c *server.Client) { k.setex(c, false) }),
		server.NewCommand("msetnx", -3, w|oom, 1, -1, 2, "string", k.msetnx),
		server.NewCommand("incrbyfloat", 3, w|oom|fast, 1, 1, 1, "string", k.incrbyfloat),
		server.NewCommand("getrange", 4, r, 1, 1, 1, "string", k.getrange),
		server.NewCommand("substr", 4, r, 1, 1, 1, "string", k.getrange),
		server.NewCommand("setrange", 4, w|oom, 1, 1, 1, "string", k.setrange),
		server.NewCommand("lcs", -3, r, 1, 2, 1, "string", k.lcs),
		// keys
		server.NewCommand("unlink", -2, w|fast, 1, -1, 1, "generic", k.Del), // DEL's handler: see cache.Del
		server.NewCommand("type", 2, r|fast, 1, 1, 1, "generic", k.typeCmd),
		server.NewCommand("rename", 3, w, 1, 2, 1, "generic", func(c *server.Client) { k.rename(c, false) }),
		server.NewCommand("renamenx", 3, w|fast, 1, 2, 1, "generic", func(c *server.Client) { k.rename(c, true) }),
		server.NewCommand("copy", -3, w|oom, 1, 2, 1, "generic", k.copy),
		server.NewCommand("randomkey", 1, r, 0, 0, 0, "generic", k.randomkey),
		server.NewCommand("expiretime", 2, r|fast, 1, 1, 1, "generic", func(c *server.Client) { k.expiretime(c, false) }),
		server.NewCommand("pexpiretime", 2, r|fast, 1, 1, 1, "generic", func(c *server.Client) { k.expiretime(c, true) }),
		server.NewCommand("touch", -2, r|fast, 1, -1, 1, "generic", k.touch),
		// databases
		server.NewCommand("swapdb", 3, w|fast, 0, 0, 0, "server", k.swapdb),
		server.NewCommand("move", 3, w|fast, 1, 1, 1, "generic", k.move),
		server.NewCommand("flushdb", -1, w, 0, 0, 0, "server", k.flushdb),
	}
}

// moveEntry puts the value of src (key, time to live, access data and
// string form) under key in dst, replacing what dst held there, and
// returns the new entry. A string is copied; another value moves as a
// pointer unless copyValue asks for a deep copy (COPY). src must not be
// used afterwards: inserting into dst may invalidate it.
func moveEntry(src *keyspace.Entry, dst *keyspace.DB, key []byte, now int64, copyValue bool) *keyspace.Entry {
	expireAt, lru := src.ExpireAt, src.LRU
	var e *keyspace.Entry
	if b, ok := src.Bytes(); ok {
		form := src.Form()
		if copyValue && form == keyspace.FormStored {
			form = keyspace.FormCopied // dupStringObject: an integer of its own
		}
		e = dst.SetString(key, b, now) // b stays valid: nothing writes to src's buffer
		e.SetForm(form)
	} else {
		v := src.Value
		if copyValue {
			if cv, ok := v.(Value); ok {
				v = cv.Copy()
			}
		}
		e = dst.Set(key, v, now)
	}
	if expireAt != 0 {
		dst.SetExpire(e, expireAt)
	}
	e.LRU = lru
	return e
}
