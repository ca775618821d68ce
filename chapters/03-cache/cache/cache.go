// Package cache puts data behind the chapter 02 server: it registers the
// string and key commands (GET, SET, DEL, EXPIRE, KEYS, ...) on a
// server.Server, each a closure over the databases, and runs Redis's
// periodic active expiry on the event loop's timer.
//
// Everything here runs on the loop goroutine: the databases have one
// owner and no locks.
package cache

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// Redis's error replies, byte for byte.
const (
	errWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
	errNotInt    = "ERR value is not an integer or out of range"
	errOverflow  = "ERR increment or decrement would overflow"
	errTooBig    = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
)

// hz is how often the periodic task runs, like Redis's default hz 10.
const hz = 10

// expireBudget is the time active expiry may take per run: 25% of the
// 1000/hz milliseconds between runs (ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC).
const expireBudget = 25 * time.Second / 100 / hz

// Cache is the data of a server: its databases and the state its
// commands share.
type Cache struct {
	DBs []*keyspace.DB
	// Observers follow the changes of DBs (keyspace.Observe): the layers
	// that must hear of a write, a flush, an expiry or a swap add
	// themselves here. The cache is the first: an expired key counts in
	// INFO and reaches the AOF as DEL.
	Observers *keyspace.Observers

	// MaxStringLen bounds the string APPEND may build (Redis's
	// proto-max-bulk-len).
	MaxStringLen int64

	// TypeName, if set, names the type of a value for SCAN's TYPE filter
	// ("string", "list"...; "none" for nil); later layers with more types
	// than strings set it.
	TypeName func(e *keyspace.Entry) string

	srv    *server.Server
	nextDB int // where the next active expiry run starts
}

// Databases is how many databases Register creates when given none
// (Redis's "databases 16").
const Databases = 16

// Register adds the commands to s and starts active expiry on s's loop.
// With no dbs it creates Databases empty ones; SELECT sets the client's
// Client.DB, an index into them. It makes dbs one set of databases with
// one list of observers, and observes their expiries itself.
func Register(s *server.Server, dbs ...*keyspace.DB) *Cache {
	if len(dbs) == 0 {
		for i := 0; i < Databases; i++ {
			dbs = append(dbs, keyspace.New())
		}
	}
	ca := &Cache{DBs: dbs, Observers: keyspace.Observe(dbs), MaxStringLen: resp.MaxBulkLen, srv: s}
	ca.Observers.Add(ca)
	s.Commands.Add(ca.commands()...)
	s.AddInfo("Keyspace", true, ca.infoKeyspace)
	s.Loop.Every(time.Second/hz, ca.cron)
	return ca
}

// KeyExpired makes a key that expires count in INFO and reach the AOF
// as a DEL, as Redis's propagateDeletion does: an AOF replayed later
// must not bring the key back. Inside a command the DEL goes out with
// the command's own change, in one MULTI/EXEC, as in Redis 7.0.
func (ca *Cache) KeyExpired(db int, key string) {
	ca.srv.Stats.ExpiredKeys++
	ca.srv.AlsoPropagate(db, [][]byte{[]byte("DEL"), []byte(key)})
}

// Loading reports whether the AOF is being replayed (server.Loading):
// keys do not expire then, and expiry times in the past are stored
// rather than turned into DEL, as Redis does while loading.
func (ca *Cache) Loading() bool { return ca.srv.Loading() }

// db is the database the client selected.
func (ca *Cache) db(c *server.Client) *keyspace.DB { return ca.DBs[c.DB] }

// clock is the current time in unix milliseconds.
func (ca *Cache) clock() int64 { return ca.srv.CommandTime().UnixMilli() }

// now is the time the keyspace uses to decide expiry: 0 while loading,
// which keeps every key alive.
func (ca *Cache) now() int64 {
	if ca.srv.Loading() {
		return 0
	}
	return ca.clock()
}

// lookupRead is Redis's lookupKeyRead: lazy expiry, access clock, and
// the keyspace_hits/misses counters.
func (ca *Cache) lookupRead(c *server.Client, key []byte) *keyspace.Entry {
	return ca.count(ca.db(c).Lookup(key, ca.now()))
}

// peekRead is lookupRead without touching the access clock
// (LOOKUP_NOTOUCH), for EXISTS and TTL.
func (ca *Cache) peekRead(c *server.Client, key []byte) *keyspace.Entry {
	return ca.count(ca.db(c).Peek(key, ca.now()))
}

func (ca *Cache) count(e *keyspace.Entry) *keyspace.Entry {
	if e == nil {
		ca.srv.Stats.KeyspaceMisses++
	} else {
		ca.srv.Stats.KeyspaceHits++
	}
	return e
}

// cron is Redis's databasesCron for this chapter: active expiry with a
// time budget shared by the databases, starting each run where the last
// one stopped, and a little rehashing (activerehashing) so a table that
// stopped receiving commands still finishes resizing.
func (ca *Cache) cron() {
	if ca.srv.Loading() {
		return
	}
	start := time.Now()
	now := ca.clock()
	for i := 0; i < len(ca.DBs); i++ {
		left := expireBudget - time.Since(start)
		if left <= 0 {
			break
		}
		db := ca.DBs[ca.nextDB]
		ca.nextDB = (ca.nextDB + 1) % len(ca.DBs)
		db.ActiveExpire(now, left)
		db.Rehash(100)
	}
}

// infoKeyspace writes INFO's Keyspace section: one line per non-empty
// database. avg_ttl is not estimated and reads 0.
func (ca *Cache) infoKeyspace(b *bytes.Buffer) {
	for i, db := range ca.DBs {
		if db.Len() > 0 {
			fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=0\r\n", i, db.Len(), db.Expires())
		}
	}
}

// withKeys gives cmd its own way of finding its keys (Command.KeysOf).
func withKeys(cmd *server.Command, keysOf func(args [][]byte) []server.KeyArg) *server.Command {
	cmd.KeysOf = keysOf
	return cmd
}

// setKeys is SET's key and its flags, which depend on GET: SET k v GET
// reads the old value (Redis's setGetKeys).
func setKeys(args [][]byte) []server.KeyArg {
	for _, a := range args[3:] {
		if strings.EqualFold(string(a), "get") {
			return []server.KeyArg{{Pos: 1, Flags: []string{"RW", "access", "update"}}}
		}
	}
	return []server.KeyArg{{Pos: 1, Flags: []string{"OW", "update"}}}
}

// commands is the command table of this chapter: Redis 7.0's arity,
// flags, key positions and group for each.
func (ca *Cache) commands() []*server.Command {
	const (
		w, r, fast, oom = server.Write, server.ReadOnly, server.Fast, server.DenyOOM
	)
	return []*server.Command{
		server.NewCommand("get", 2, r|fast, 1, 1, 1, "string", ca.get),
		withKeys(server.NewCommand("set", -3, w|oom, 1, 1, 1, "string", ca.set), setKeys),
		server.NewCommand("mget", -2, r|fast, 1, -1, 1, "string", ca.mget),
		server.NewCommand("mset", -3, w|oom, 1, -1, 2, "string", ca.mset),
		server.NewCommand("incr", 2, w|oom|fast, 1, 1, 1, "string", func(c *server.Client) { ca.incrDecr(c, 1) }),
		server.NewCommand("decr", 2, w|oom|fast, 1, 1, 1, "string", func(c *server.Client) { ca.incrDecr(c, -1) }),
		server.NewCommand("incrby", 3, w|oom|fast, 1, 1, 1, "string", ca.incrby),
		server.NewCommand("decrby", 3, w|oom|fast, 1, 1, 1, "string", ca.decrby),
		server.NewCommand("append", 3, w|oom|fast, 1, 1, 1, "string", ca.append),
		server.NewCommand("strlen", 2, r|fast, 1, 1, 1, "string", ca.strlen),
		server.NewCommand("del", -2, w, 1, -1, 1, "generic", ca.del),
		server.NewCommand("exists", -2, r|fast, 1, -1, 1, "generic", ca.exists),
		server.NewCommand("ttl", 2, r|fast, 1, 1, 1, "generic", func(c *server.Client) { ca.ttl(c, false) }),
		server.NewCommand("pttl", 2, r|fast, 1, 1, 1, "generic", func(c *server.Client) { ca.ttl(c, true) }),
		server.NewCommand("expire", -3, w|fast, 1, 1, 1, "generic", func(c *server.Client) { ca.expire(c, ca.clock(), 1000) }),
		server.NewCommand("pexpire", -3, w|fast, 1, 1, 1, "generic", func(c *server.Client) { ca.expire(c, ca.clock(), 1) }),
		server.NewCommand("expireat", -3, w|fast, 1, 1, 1, "generic", func(c *server.Client) { ca.expire(c, 0, 1000) }),
		server.NewCommand("pexpireat", -3, w|fast, 1, 1, 1, "generic", func(c *server.Client) { ca.expire(c, 0, 1) }),
		server.NewCommand("persist", 2, w|fast, 1, 1, 1, "generic", ca.persist),
		server.NewCommand("dbsize", 1, r|fast, 0, 0, 0, "generic", ca.dbsize),
		server.NewCommand("flushall", -1, w, 0, 0, 0, "generic", ca.flushall),
		server.NewCommand("keys", 2, r, 0, 0, 0, "generic", ca.keys),
		server.NewCommand("scan", -2, r, 0, 0, 0, "generic", ca.scan),
		server.NewCommand("select", 2, server.Loading|server.Stale|fast, 0, 0, 0, "connection", ca.selectDB),
	}
}
