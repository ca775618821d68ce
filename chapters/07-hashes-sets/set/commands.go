package set

import (
	"slices"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

// Commands are the set commands, closures over the keyspace.
type Commands struct {
	ks typecmd.Keyspace
	// MaxIntset is set-max-intset-entries (CONFIG SET changes it).
	MaxIntset int
}

// Type is what TYPE reports for a set.
func (s *Set) Type() string { return "set" }

// Register adds the set commands and set-max-intset-entries to s.
func Register(s *server.Server, ks typecmd.Keyspace) *Commands {
	sc := &Commands{ks: ks, MaxIntset: DefaultMaxIntset}
	s.Commands.Add(sc.table()...)
	s.Config.Add(typecmd.IntParam("set-max-intset-entries", "", &sc.MaxIntset))
	return sc
}

func (sc *Commands) table() []*server.Command {
	const w, r, fast, oom, mk = server.Write, server.ReadOnly, server.Fast, server.DenyOOM, server.Movablekeys
	return []*server.Command{
		server.NewCommand("sadd", -3, w|oom|fast, 1, 1, 1, "set", sc.sadd),
		server.NewCommand("srem", -3, w|fast, 1, 1, 1, "set", func(c *server.Client) { typecmd.Remove(c, sc.ks, (*Set).Remove) }),
		server.NewCommand("smembers", 2, r, 1, 1, 1, "set", func(c *server.Client) { sc.inter(c, c.Args[1:], nil, false, 0) }),
		server.NewCommand("sismember", 3, r|fast, 1, 1, 1, "set", sc.sismember),
		server.NewCommand("smismember", -3, r|fast, 1, 1, 1, "set", sc.smismember),
		server.NewCommand("scard", 2, r|fast, 1, 1, 1, "set", sc.scard),
		server.NewCommand("spop", -2, w|fast, 1, 1, 1, "set", sc.spop),
		server.NewCommand("srandmember", -2, r, 1, 1, 1, "set", sc.srandmember),
		server.NewCommand("smove", 4, w|fast, 1, 2, 1, "set", sc.smove),
		server.NewCommand("sinter", -2, r, 1, -1, 1, "set", func(c *server.Client) { sc.inter(c, c.Args[1:], nil, false, 0) }),
		server.NewCommand("sinterstore", -3, w|oom, 1, -1, 1, "set", func(c *server.Client) { sc.inter(c, c.Args[2:], c.Args[1], false, 0) }),
		server.NewCommand("sunion", -2, r, 1, -1, 1, "set", func(c *server.Client) { sc.unionDiff(c, c.Args[1:], nil, false) }),
		server.NewCommand("sunionstore", -3, w|oom, 1, -1, 1, "set", func(c *server.Client) { sc.unionDiff(c, c.Args[2:], c.Args[1], false) }),
		server.NewCommand("sdiff", -2, r, 1, -1, 1, "set", func(c *server.Client) { sc.unionDiff(c, c.Args[1:], nil, true) }),
		server.NewCommand("sdiffstore", -3, w|oom, 1, -1, 1, "set", func(c *server.Client) { sc.unionDiff(c, c.Args[2:], c.Args[1], true) }),
		server.NewCommand("sintercard", -3, r|mk, 0, 0, 0, "set", sc.sintercard),
		server.NewCommand("sscan", -3, r, 1, 1, 1, "set", sc.sscan),
	}
}

// read looks key up for reading: the value, nil when absent; ok is
// false after a WRONGTYPE reply.
func (sc *Commands) read(c *server.Client, key []byte) (*Set, bool) {
	return typecmd.Read[*Set](c, sc.ks, key)
}

// write looks key up for a change (lookupKeyWrite).
func (sc *Commands) write(c *server.Client, key []byte) (*Set, bool) {
	return typecmd.Write[*Set](c, sc.ks, key)
}

func (sc *Commands) del(c *server.Client, key []byte) bool {
	return sc.ks.DB(c).Delete(key, sc.ks.Now())
}

func (sc *Commands) sadd(c *server.Client) {
	key := c.Args[1]
	s, ok := sc.write(c, key)
	if !ok {
		return
	}
	if s == nil {
		s = New(c.Args[2])
		sc.ks.DB(c).Set(key, s, sc.ks.Now())
	}
	added := 0
	for _, m := range c.Args[2:] {
		if s.Add(m, sc.MaxIntset) {
			added++
		}
	}
	c.W.Int(int64(added))
	if added > 0 {
		c.Propagate()
	}
}

func (sc *Commands) sismember(c *server.Client) {
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Int(b2i(s != nil && s.Has(c.Args[2])))
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (sc *Commands) smismember(c *server.Client) {
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		c.W.Int(b2i(s != nil && s.Has(m)))
	}
}

func (sc *Commands) scard(c *server.Client) {
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(s.Len()))
}

// reply writes a set as RESP3's set type (an array in RESP2).
func reply(c *server.Client, s *Set) {
	c.W.Set(s.Len())
	s.All(func(m []byte) bool { c.W.Bulk(m); return true })
}

// spop is SPOP key [count]. Its effect is random, so the AOF gets what
// happened instead: SREM of the popped members, or DEL when the whole
// set went.
func (sc *Commands) spop(c *server.Client) {
	if len(c.Args) > 3 {
		c.ErrSyntax()
		return
	}
	key := c.Args[1]
	if len(c.Args) == 2 {
		s, ok := sc.write(c, key)
		if !ok {
			return
		}
		if s == nil {
			c.W.Null()
			return
		}
		m, _ := s.Pop()
		c.W.Bulk(m)
		if s.Len() == 0 {
			sc.del(c, key)
		}
		c.Propagate([]byte("SREM"), key, m)
		return
	}
	count, ok := cmdarg.PopCount(c)
	if !ok {
		return
	}
	s, ok := sc.write(c, key)
	if !ok {
		return
	}
	if s == nil || count == 0 {
		c.W.Set(0)
		return
	}
	if count >= int64(s.Len()) {
		reply(c, s.union())
		sc.del(c, key)
		c.Propagate([]byte("DEL"), key)
		return
	}
	prop := [][]byte{[]byte("SREM"), key}
	c.W.Set(int(count))
	for i := int64(0); i < count; i++ {
		m, _ := s.Pop()
		c.W.Bulk(m)
		prop = append(prop, m)
	}
	c.Propagate(prop...)
}

// union copies s the way SUNION of one key builds its result: a fresh
// set filled by adding every member, which for an intset keeps order.
func (s *Set) union() *Set {
	if s.d == nil {
		return s.Clone()
	}
	out := New([]byte("a"))
	s.All(func(m []byte) bool { out.d.Set(m, struct{}{}); return true })
	return out
}

// srandmember is SRANDMEMBER key [count], Redis 7.0's cases.
func (sc *Commands) srandmember(c *server.Client) {
	if len(c.Args) > 3 {
		c.ErrSyntax()
		return
	}
	if len(c.Args) == 2 {
		s, ok := sc.read(c, c.Args[1])
		if !ok {
			return
		}
		if s == nil {
			c.W.Null()
			return
		}
		m, _ := s.Random()
		c.W.Bulk(m)
		return
	}
	l, ok := cmdarg.RandomCount(c)
	if !ok {
		return
	}
	s, ok := sc.read(c, c.Args[1])
	if !ok {
		return
	}
	if s == nil || l == 0 {
		c.W.Array(0)
		return
	}
	if l < 0 || l == 1 {
		n := max(l, -l)
		c.W.Array(int(n))
		for i := int64(0); i < n; i++ {
			m, _ := s.Random()
			c.W.Bulk(m)
		}
		return
	}
	if l >= int64(s.Len()) {
		u := s.union()
		c.W.Array(u.Len())
		u.All(func(m []byte) bool { c.W.Bulk(m); return true })
		return
	}
	c.W.Array(int(l))
	seen := make(map[string]bool, l)
	for int64(len(seen)) < l {
		m, _ := s.Random()
		if !seen[string(m)] {
			seen[string(m)] = true
			c.W.Bulk(m)
		}
	}
}

func (sc *Commands) smove(c *server.Client) {
	srcKey, dstKey, m := c.Args[1], c.Args[2], c.Args[3]
	db, now := sc.ks.DB(c), sc.ks.Now()
	// Redis looks both keys up first, answers 0 for a missing source
	// before it checks either type.
	srcEntry := db.LookupWrite(srcKey, now)
	if srcEntry == nil {
		c.W.Int(0)
		return
	}
	src, ok := typecmd.As[*Set](c, srcEntry)
	if !ok {
		return
	}
	dst, ok := sc.write(c, dstKey)
	if !ok {
		return
	}
	if src == dst {
		c.W.Int(b2i(src.Has(m)))
		return
	}
	if !src.Remove(m) {
		c.W.Int(0)
		return
	}
	if src.Len() == 0 {
		sc.del(c, srcKey)
	}
	if dst == nil {
		dst = New(m)
		sc.ks.DB(c).Set(dstKey, dst, sc.ks.Now())
	}
	dst.Add(m, sc.MaxIntset)
	c.W.Int(1)
	c.Propagate()
}

// sources looks up the keys of a multi-key command: nil for a missing
// key; ok is false after a WRONGTYPE reply.
func (sc *Commands) sources(c *server.Client, keys [][]byte, forWrite bool) ([]*Set, bool) {
	sets := make([]*Set, len(keys))
	for i, k := range keys {
		var ok bool
		if forWrite {
			// lookupKeyWrite without the write hook: a source is only
			// read, and the hook would tell WATCH that it changed.
			sets[i], ok = typecmd.As[*Set](c, sc.ks.DB(c).Lookup(k, sc.ks.Now()))
		} else {
			sets[i], ok = sc.read(c, k)
		}
		if !ok {
			return nil, false
		}
	}
	return sets, true
}

// store saves result at dst (replacing any value, clearing its TTL), or
// deletes dst when result is empty, and replies the size (the *STORE
// commands).
func (sc *Commands) store(c *server.Client, dst []byte, result *Set) {
	if result.Len() > 0 {
		sc.ks.DB(c).Set(dst, result, sc.ks.Now())
		c.W.Int(int64(result.Len()))
		c.Propagate()
		return
	}
	c.W.Int(0)
	if sc.del(c, dst) {
		c.Propagate()
	}
}

// inter is SINTER, SINTERSTORE, SINTERCARD and SMEMBERS
// (sinterGenericCommand): walk the smallest set, keep what all the
// others hold.
func (sc *Commands) inter(c *server.Client, keys [][]byte, dst []byte, cardOnly bool, limit int64) {
	sets, ok := sc.sources(c, keys, dst != nil)
	if !ok {
		return
	}
	if slices.Contains(sets, nil) {
		switch {
		case dst != nil:
			c.W.Int(0)
			if sc.del(c, dst) {
				c.Propagate()
			}
		case cardOnly:
			c.W.Int(0)
		default:
			c.W.Set(0)
		}
		return
	}
	slices.SortStableFunc(sets, func(a, b *Set) int { return a.Len() - b.Len() })
	var result *Set
	if !cardOnly {
		result = &Set{}
	}
	var card int64
	sets[0].All(func(m []byte) bool {
		for _, o := range sets[1:] {
			if o != sets[0] && !o.Has(m) {
				return true
			}
		}
		card++
		if cardOnly {
			return limit == 0 || card < limit
		}
		result.Add(m, sc.MaxIntset)
		return true
	})
	switch {
	case cardOnly:
		c.W.Int(card)
	case dst != nil:
		sc.store(c, dst, result)
	default:
		reply(c, result)
	}
}

// unionDiff is SUNION, SDIFF and their STORE forms
// (sunionDiffGenericCommand).
func (sc *Commands) unionDiff(c *server.Client, keys [][]byte, dst []byte, diff bool) {
	sets, ok := sc.sources(c, keys, dst != nil)
	if !ok {
		return
	}
	result := &Set{}
	switch {
	case !diff:
		for _, s := range sets {
			if s != nil {
				s.All(func(m []byte) bool { result.Add(m, sc.MaxIntset); return true })
			}
		}
	case sets[0] != nil && !slices.Contains(sets[1:], sets[0]):
		sets[0].All(func(m []byte) bool {
			for _, o := range sets[1:] {
				if o != nil && o.Has(m) {
					return true
				}
			}
			result.Add(m, sc.MaxIntset)
			return true
		})
	}
	if dst != nil {
		sc.store(c, dst, result)
		return
	}
	reply(c, result)
}

// sintercard is SINTERCARD numkeys key [key ...] [LIMIT limit].
func (sc *Commands) sintercard(c *server.Client) {
	numkeys, ok := resp.ParseInt(c.Args[1])
	if !ok || numkeys <= 0 {
		c.W.Error("ERR numkeys should be greater than 0")
		return
	}
	if numkeys > int64(len(c.Args)-2) {
		c.W.Error("ERR Number of keys can't be greater than number of args")
		return
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(c.Args); j++ {
		if cmdarg.Is(c.Args[j], "limit") && j+1 < len(c.Args) {
			j++
			v, ok := resp.ParseInt(c.Args[j])
			if !ok || v < 0 {
				c.W.Error("ERR LIMIT can't be negative")
				return
			}
			limit = v
			continue
		}
		c.ErrSyntax()
		return
	}
	sc.inter(c, c.Args[2:2+numkeys], nil, true, limit)
}

func (sc *Commands) sscan(c *server.Client) {
	typecmd.Scan(c, sc.ks, func(s *Set, cursor uint64, count int, emit func([]byte, ...[]byte)) uint64 {
		return s.Scan(cursor, count, func(m []byte) { emit(append([]byte(nil), m...)) })
	})
}

// Copy is a deep copy for COPY (chapter 11's db.Value contract).
func (s *Set) Copy() any { return s.Clone() }

// AppendRewrite appends the commands that recreate the set under key for
// the AOF rewrite: SADD with typecmd.RewriteItems members per command, as
// Redis's rewriteSetObject.
func (s *Set) AppendRewrite(dst []byte, key string) []byte {
	n := s.Len()
	i := 0
	s.All(func(m []byte) bool {
		if i%typecmd.RewriteItems == 0 {
			dst = typecmd.AppendRewriteCommand(dst, "SADD", key, min(n-i, typecmd.RewriteItems), 1)
		}
		dst = resp.AppendBulk(dst, m)
		i++
		return true
	})
	return dst
}
