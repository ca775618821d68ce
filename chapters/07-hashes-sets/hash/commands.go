package hash

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/07-hashes-sets/longdouble"

	"math"
	"math/big"
	"math/rand/v2"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

// Commands are the hash commands, closures over the keyspace.
type Commands struct {
	ks     typecmd.Keyspace
	Limits Limits // hash-max-listpack-entries / -value (CONFIG SET changes them)
}

// Type is what TYPE reports for a hash.
func (h *Hash) Type() string { return "hash" }

// Register adds the hash commands and their CONFIG options to s.
func Register(s *server.Server, ks typecmd.Keyspace) *Commands {
	hc := &Commands{ks: ks, Limits: DefaultLimits}
	s.Commands.Add(hc.table()...)
	s.Config.Add(
		typecmd.IntParam("hash-max-listpack-entries", "hash-max-ziplist-entries", &hc.Limits.Entries),
		typecmd.IntParam("hash-max-listpack-value", "hash-max-ziplist-value", &hc.Limits.Value),
	)
	return hc
}

func (hc *Commands) table() []*server.Command {
	const w, r, fast, oom = server.Write, server.ReadOnly, server.Fast, server.DenyOOM
	return []*server.Command{
		server.NewCommand("hset", -4, w|oom|fast, 1, 1, 1, "hash", func(c *server.Client) { hc.hset(c, false) }),
		server.NewCommand("hmset", -4, w|oom|fast, 1, 1, 1, "hash", func(c *server.Client) { hc.hset(c, true) }),
		server.NewCommand("hsetnx", 4, w|oom|fast, 1, 1, 1, "hash", hc.hsetnx),
		server.NewCommand("hget", 3, r|fast, 1, 1, 1, "hash", hc.hget),
		server.NewCommand("hmget", -3, r|fast, 1, 1, 1, "hash", hc.hmget),
		server.NewCommand("hdel", -3, w|fast, 1, 1, 1, "hash", func(c *server.Client) { typecmd.Remove(c, hc.ks, (*Hash).Delete) }),
		server.NewCommand("hexists", 3, r|fast, 1, 1, 1, "hash", hc.hexists),
		server.NewCommand("hlen", 2, r|fast, 1, 1, 1, "hash", hc.hlen),
		server.NewCommand("hstrlen", 3, r|fast, 1, 1, 1, "hash", hc.hstrlen),
		server.NewCommand("hgetall", 2, r, 1, 1, 1, "hash", func(c *server.Client) { hc.getall(c, true, true) }),
		server.NewCommand("hkeys", 2, r, 1, 1, 1, "hash", func(c *server.Client) { hc.getall(c, true, false) }),
		server.NewCommand("hvals", 2, r, 1, 1, 1, "hash", func(c *server.Client) { hc.getall(c, false, true) }),
		server.NewCommand("hincrby", 4, w|oom|fast, 1, 1, 1, "hash", hc.hincrby),
		server.NewCommand("hincrbyfloat", 4, w|oom|fast, 1, 1, 1, "hash", hc.hincrbyfloat),
		server.NewCommand("hrandfield", -2, r, 1, 1, 1, "hash", hc.hrandfield),
		server.NewCommand("hscan", -3, r, 1, 1, 1, "hash", hc.hscan),
	}
}

// read looks key up for reading: the value, nil when absent; ok is
// false after a WRONGTYPE reply.
func (hc *Commands) read(c *server.Client, key []byte) (*Hash, bool) {
	return typecmd.Read[*Hash](c, hc.ks, key)
}

// write looks key up for a change (lookupKeyWrite).
func (hc *Commands) write(c *server.Client, key []byte) (*Hash, bool) {
	return typecmd.Write[*Hash](c, hc.ks, key)
}

// writeOrCreate is hashTypeLookupWriteOrCreate.
func (hc *Commands) writeOrCreate(c *server.Client, key []byte) (*Hash, bool) {
	h, ok := hc.write(c, key)
	if !ok || h != nil {
		return h, ok
	}
	h = &Hash{}
	hc.ks.DB(c).Set(key, h, hc.ks.Now())
	return h, true
}

func (hc *Commands) hset(c *server.Client, isHmset bool) {
	if len(c.Args)%2 == 1 {
		c.ErrArity()
		return
	}
	h, ok := hc.writeOrCreate(c, c.Args[1])
	if !ok {
		return
	}
	h.TryConvert(c.Args[2:], hc.Limits)
	created := 0
	for i := 2; i < len(c.Args); i += 2 {
		if h.Set(c.Args[i], c.Args[i+1], hc.Limits) {
			created++
		}
	}
	if isHmset {
		c.OK()
	} else {
		c.W.Int(int64(created))
	}
	c.Propagate()
}

func (hc *Commands) hsetnx(c *server.Client) {
	h, ok := hc.writeOrCreate(c, c.Args[1])
	if !ok {
		return
	}
	if h.Has(c.Args[2]) {
		c.W.Int(0)
		return
	}
	h.TryConvert(c.Args[2:4], hc.Limits)
	h.Set(c.Args[2], c.Args[3], hc.Limits)
	c.W.Int(1)
	c.Propagate()
}

func (hc *Commands) hget(c *server.Client) {
	h, ok := hc.read(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		c.W.Null()
		return
	}
	if v, ok := h.Get(c.Args[2]); ok {
		c.W.Bulk(v)
		return
	}
	c.W.Null()
}

func (hc *Commands) hmget(c *server.Client) {
	h, ok := hc.read(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, f := range c.Args[2:] {
		if h != nil {
			if v, ok := h.Get(f); ok {
				c.W.Bulk(v)
				continue
			}
		}
		c.W.Null()
	}
}

func (hc *Commands) hexists(c *server.Client) {
	h, ok := hc.read(c, c.Args[1])
	if !ok {
		return
	}
	c.W.Int(b2i(h != nil && h.Has(c.Args[2])))
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (hc *Commands) hlen(c *server.Client) {
	h, ok := hc.read(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	c.W.Int(int64(h.Len()))
}

func (hc *Commands) hstrlen(c *server.Client) {
	h, ok := hc.read(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil {
		c.W.Int(0)
		return
	}
	v, _ := h.Get(c.Args[2])
	c.W.Int(int64(len(v)))
}

// getall is HGETALL (a map in RESP3), HKEYS and HVALS.
func (hc *Commands) getall(c *server.Client, fields, values bool) {
	h, ok := hc.read(c, c.Args[1])
	if !ok {
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if fields && values {
		c.W.Map(n)
	} else {
		c.W.Array(n)
	}
	if h == nil {
		return
	}
	h.All(func(f, v []byte) bool {
		if fields {
			c.W.Bulk(f)
		}
		if values {
			c.W.Bulk(v)
		}
		return true
	})
}

func (hc *Commands) hincrby(c *server.Client) {
	incr, ok := resp.ParseInt(c.Args[3])
	if !ok {
		c.W.Error(cmdarg.ErrNotInt)
		return
	}
	h, ok := hc.writeOrCreate(c, c.Args[1])
	if !ok {
		return
	}
	var cur int64
	if v, ok := h.Get(c.Args[2]); ok {
		if cur, ok = resp.ParseInt(v); !ok {
			c.W.Error("ERR hash value is not an integer")
			return
		}
	}
	if (incr < 0 && cur < 0 && incr < math.MinInt64-cur) || (incr > 0 && cur > 0 && incr > math.MaxInt64-cur) {
		c.W.Error("ERR increment or decrement would overflow")
		return
	}
	cur += incr
	h.Set(c.Args[2], strconv.AppendInt(nil, cur, 10), hc.Limits)
	c.W.Int(cur)
	c.Propagate()
}

// hincrbyfloat computes in long double precision, like Redis, and
// propagates HSET with the result so a replay does not depend on how a
// float was rounded.
func (hc *Commands) hincrbyfloat(c *server.Client) {
	incr, ok := longdouble.Parse(c.Args[3])
	if !ok {
		c.W.Error("ERR value is not a valid float")
		return
	}
	if incr.IsInf() {
		c.W.Error("ERR value is NaN or Infinity")
		return
	}
	key := c.Args[1]
	h, ok := hc.writeOrCreate(c, key)
	if !ok {
		return
	}
	cur := new(big.Float).SetPrec(longdouble.Prec)
	if v, ok := h.Get(c.Args[2]); ok {
		f, ok := longdouble.Parse(v)
		if !ok || f.IsInf() {
			c.W.Error("ERR hash value is not a float")
			return
		}
		cur = f
	}
	sum, ok := longdouble.Add(cur, incr)
	if !ok {
		c.W.Error("ERR increment would produce NaN or Infinity")
		return
	}
	text := []byte(longdouble.Format(sum))
	h.Set(c.Args[2], text, hc.Limits)
	c.W.Bulk(text)
	c.Propagate([]byte("HSET"), key, c.Args[2], text)
}

// hrandfield is HRANDFIELD key [count [WITHVALUES]], Redis 7.0's cases:
// a negative count samples with repetition, a count at least the size
// returns the whole hash in order, a smaller one distinct random fields.
func (hc *Commands) hrandfield(c *server.Client) {
	if len(c.Args) == 2 {
		h, ok := hc.read(c, c.Args[1])
		if !ok {
			return
		}
		if h == nil {
			c.W.Null()
			return
		}
		f, _, _ := h.Random()
		c.W.Bulk(f)
		return
	}
	l, withValues, ok := cmdarg.RandomCountWith(c, "withvalues")
	if !ok {
		return
	}
	h, ok := hc.read(c, c.Args[1])
	if !ok {
		return
	}
	if h == nil || l == 0 {
		c.W.Array(0)
		return
	}
	resp3 := c.W.Proto >= 3
	emit := func(f, v []byte) {
		if withValues && resp3 {
			c.W.Array(2)
		}
		c.W.Bulk(f)
		if withValues {
			c.W.Bulk(v)
		}
	}
	header := func(n int) {
		if withValues && !resp3 {
			c.W.Array(2 * n)
		} else {
			c.W.Array(n)
		}
	}
	count, unique := l, true
	if l < 0 {
		count, unique = -l, false
	}
	if !unique || count == 1 {
		header(int(count))
		for i := int64(0); i < count; i++ {
			f, v, _ := h.Random()
			emit(f, v)
		}
		return
	}
	size := int64(h.Len())
	if count >= size {
		header(int(size))
		h.All(func(f, v []byte) bool { emit(f, v); return true })
		return
	}
	header(int(count))
	// Distinct fields: draw positions of the listpack, or keys of the
	// table, until count different ones came up (count < size).
	seen := make(map[string]bool, count)
	for int64(len(seen)) < count {
		var f, v []byte
		if h.d == nil {
			f, v, _ = h.Pair(rand.IntN(h.Len()))
		} else {
			f, v, _ = h.Random()
		}
		if seen[string(f)] {
			continue
		}
		seen[string(f)] = true
		emit(f, v)
	}
}

func (hc *Commands) hscan(c *server.Client) {
	typecmd.Scan(c, hc.ks, func(h *Hash, cursor uint64, count int, emit func([]byte, ...[]byte)) uint64 {
		return h.Scan(cursor, count, func(f, v []byte) { emit(f, v) })
	})
}

// Copy is a deep copy for COPY (chapter 11's db.Value contract).
func (h *Hash) Copy() any { return h.Clone() }

// AppendRewrite appends the commands that recreate the hash under key for
// the AOF rewrite: HSET with typecmd.RewriteItems field-value pairs per
// command (Redis's rewriteHashObject writes the same pairs with HMSET).
func (h *Hash) AppendRewrite(dst []byte, key string) []byte {
	n := h.Len()
	i := 0
	h.All(func(f, v []byte) bool {
		if i%typecmd.RewriteItems == 0 {
			dst = typecmd.AppendRewriteCommand(dst, "HSET", key, min(n-i, typecmd.RewriteItems), 2)
		}
		dst = resp.AppendBulk(dst, f)
		dst = resp.AppendBulk(dst, v)
		i++
		return true
	})
	return dst
}
