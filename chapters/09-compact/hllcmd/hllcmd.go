// Package hllcmd is Redis's HyperLogLog commands, as its hyperloglog.c:
// PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST, and the option
// hll-sparse-max-bytes. A HyperLogLog is a string holding package hll's
// bytes, so GET, DUMP, the AOF and replication carry it as Redis's own.
package hllcmd

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/09-compact/hll"
)

const (
	errNotHLL     = "WRONGTYPE Key is not a valid HyperLogLog string value."
	errCorruptHLL = "INVALIDOBJ Corrupted HLL object detected"
)

// HLL holds the databases the commands work on, and the option.
type HLL struct {
	*cache.Cache
	// SparseMax is hll-sparse-max-bytes: the longest a sparse
	// HyperLogLog may grow before it turns dense.
	SparseMax int
}

// Register adds the HyperLogLog commands and hll-sparse-max-bytes to s,
// on the databases of ca.
func Register(s *server.Server, ca *cache.Cache) *HLL {
	k := &HLL{Cache: ca, SparseMax: hll.DefaultSparseMax}
	s.Commands.Add(k.commands()...)
	s.Config.Add(k.param())
	return k
}

// commands is the table: Redis 7.0's arity, flags and key positions.
func (k *HLL) commands() []*server.Command {
	const w, r, fast, oom, admin = server.Write, server.ReadOnly, server.Fast, server.DenyOOM, server.Admin
	return []*server.Command{
		server.NewCommand("pfadd", -2, w|oom|fast, 1, 1, 1, "hyperloglog", k.pfadd),
		server.NewCommand("pfcount", -2, r, 1, -1, 1, "hyperloglog", k.pfcount),
		server.NewCommand("pfmerge", -2, w|oom, 1, -1, 1, "hyperloglog", k.pfmerge),
		server.NewCommand("pfdebug", 3, w|oom|admin, 2, 2, 1, "hyperloglog", k.pfdebug),
		server.NewCommand("pfselftest", 1, admin, 0, 0, 0, "hyperloglog", k.pfselftest),
	}
}

// param is hll-sparse-max-bytes, which CONFIG SET changes; a memory
// value, as in Redis ("3kb" is 3072).
func (k *HLL) param() *server.Param {
	return &server.Param{
		Name: "hll-sparse-max-bytes",
		Get:  func() string { return strconv.Itoa(k.SparseMax) },
		Set: func(v string) error {
			errRange := errors.New("argument must be between 0 and 9223372036854775807 inclusive")
			n, ok := server.ParseMemory(v)
			if !ok {
				return errors.New("argument must be a memory value")
			}
			if n > math.MaxInt64 {
				return errRange
			}
			k.SparseMax = int(n)
			return nil
		},
	}
}

// hllView checks that e holds a HyperLogLog and returns its bytes, to
// read only; ok is false after the WRONGTYPE reply.
func hllView(c *server.Client, e *keyspace.Entry) ([]byte, bool) {
	b, ok := e.Bytes()
	if !ok {
		c.Error(cache.ErrWrongType)
		return nil, false
	}
	if !hll.Valid(b) {
		c.Error(errNotHLL)
		return nil, false
	}
	return b, true
}

// storeHLL writes a changed value back as the raw string Redis keeps it in.
func storeHLL(e *keyspace.Entry, b []byte) {
	e.SetBytes(b)
	e.SetForm(keyspace.FormRaw)
}

// PFADD key [element ...]: 1 if a register changed or the key was made.
// A dense value is patched in place, two bytes per raised register; a
// sparse one is rebuilt (it is at most hll-sparse-max-bytes long).
func (k *HLL) pfadd(c *server.Client) {
	db, now := k.DB(c), k.Now()
	e := db.LookupWrite(c.Args[1], now)
	var b []byte
	created := e == nil
	if created {
		b = hll.New()
		e = db.SetString(c.Args[1], nil, now)
	} else {
		var ok bool
		if b, ok = hllView(c, e); !ok {
			return
		}
	}
	updated := created
	if !created && hll.IsDense(b) {
		e.SetForm(keyspace.FormRaw) // dbUnshareStringValue
		for _, ele := range c.Args[2:] {
			if off, patch, changed := hll.DenseAdd(b, ele); changed {
				e.SetRange(off, patch)
				b, _ = e.Bytes()
				updated = true
			}
		}
		if updated {
			e.SetRange(hll.HeaderSize-1, []byte{b[hll.HeaderSize-1] | 0x80}) // the cached count is stale
			c.Propagate()
		}
		c.W.Int(b2i(updated))
		return
	}
	b = append([]byte(nil), b...)
	for _, ele := range c.Args[2:] {
		var changed bool
		var err error
		b, changed, err = hll.Add(b, ele, k.SparseMax)
		if err != nil {
			storeHLL(e, b) // what changed before the corrupt part stays, as in Redis
			c.Error(errCorruptHLL)
			return
		}
		updated = updated || changed
	}
	if updated {
		hll.Invalidate(b)
		c.Propagate()
	}
	storeHLL(e, b)
	c.W.Int(b2i(updated))
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// PFCOUNT key [key ...]: the estimated cardinality of one key, from its
// cache when current (else computed and cached, which changes the value
// and so is propagated), or of the union of several keys.
func (k *HLL) pfcount(c *server.Client) {
	if len(c.Args) > 2 {
		var max [hll.Registers]uint8
		for _, key := range c.Args[1:] {
			e := k.LookupRead(c, key)
			if e == nil {
				continue
			}
			b, ok := hllView(c, e)
			if !ok {
				return
			}
			if hll.Merge(&max, b) != nil {
				c.Error(errCorruptHLL)
				return
			}
		}
		c.W.Int(int64(hll.CountRegisters(&max)))
		return
	}
	e := k.LookupRead(c, c.Args[1])
	if e == nil {
		c.W.Int(0)
		return
	}
	b, ok := hllView(c, e)
	if !ok {
		return
	}
	e.SetForm(keyspace.FormRaw) // dbUnshareStringValue
	card, fresh := hll.Cached(b)
	if !fresh {
		var err error
		if card, err = hll.Count(b); err != nil {
			c.Error(errCorruptHLL)
			return
		}
		var cached [hll.HeaderSize]byte
		hll.SetCached(cached[:], card)
		e = k.DB(c).LookupWrite(c.Args[1], k.Now()) // the same entry, now noted as written (WATCH)
		e.SetRange(8, cached[8:])
		c.Propagate()
	}
	c.W.Int(int64(card))
}

// PFMERGE destkey [sourcekey ...]: destkey becomes the union of itself
// and the sources; dense if any of them is.
func (k *HLL) pfmerge(c *server.Client) {
	var max [hll.Registers]uint8
	dense := false
	for _, key := range c.Args[1:] {
		e := k.LookupRead(c, key)
		if e == nil {
			continue
		}
		b, ok := hllView(c, e)
		if !ok {
			return
		}
		dense = dense || hll.IsDense(b)
		if hll.Merge(&max, b) != nil {
			c.Error(errCorruptHLL)
			return
		}
	}
	db, now := k.DB(c), k.Now()
	e := db.LookupWrite(c.Args[1], now)
	var b []byte
	if e == nil {
		b = hll.New()
		e = db.SetString(c.Args[1], nil, now)
	} else {
		cur, _ := e.Bytes()
		b = append([]byte(nil), cur...)
	}
	var err error
	if dense {
		if b, err = hll.ToDense(b); err != nil {
			storeHLL(e, b)
			c.Error(errCorruptHLL)
			return
		}
	}
	b, _ = hll.SetRegisters(b, &max, k.SparseMax)
	storeHLL(e, b)
	c.OK()
	c.Propagate()
}

// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the registers (turning a
// sparse value dense), the sparse opcodes, the encoding, or the
// conversion to dense. A conversion is propagated.
func (k *HLL) pfdebug(c *server.Client) {
	sub := c.Args[1]
	e := k.DB(c).LookupWrite(c.Args[2], k.Now())
	if e == nil {
		c.Error("ERR The specified key does not exist")
		return
	}
	b, ok := hllView(c, e)
	if !ok {
		return
	}
	e.SetForm(keyspace.FormRaw)
	toDense := func() bool {
		if hll.IsDense(b) {
			return true
		}
		d, err := hll.ToDense(b)
		if err != nil {
			c.Error(errCorruptHLL)
			return false
		}
		b = d
		storeHLL(e, b)
		c.Propagate()
		return true
	}
	switch {
	case cache.Eq(sub, "getreg"):
		if !toDense() {
			return
		}
		regs := hll.DenseRegisters(b)
		c.W.Array(len(regs))
		for _, v := range regs {
			c.W.Int(int64(v))
		}
	case cache.Eq(sub, "decode"):
		if hll.IsDense(b) {
			c.Error("ERR HLL encoding is not sparse")
			return
		}
		c.W.BulkString(hll.Decode(b))
	case cache.Eq(sub, "encoding"):
		if hll.IsDense(b) {
			c.W.SimpleString("dense")
		} else {
			c.W.SimpleString("sparse")
		}
	case cache.Eq(sub, "todense"):
		was := hll.IsDense(b)
		if !toDense() {
			return
		}
		c.W.Int(b2i(!was))
	default:
		c.Error(fmt.Sprintf("ERR Unknown PFDEBUG subcommand '%s'", sub))
	}
}

// PFSELFTEST checks the register packing and that sparse and dense
// values estimate alike and within the expected error: "+OK", or
// "-TESTFAILED" and what failed.
func (k *HLL) pfselftest(c *server.Client) {
	if msg := hllSelfTest(rand.New(rand.NewPCG(rand.Uint64(), 1))); msg != "" {
		c.Error("TESTFAILED " + msg)
		return
	}
	c.OK()
}

// hllSelfTest is PFSELFTEST's work; it returns what failed, or "".
func hllSelfTest(r *rand.Rand) string {
	// Registers: write random values to every register of a dense value,
	// then read them all back.
	d, _ := hll.ToDense(hll.New())
	var want [hll.Registers]uint8
	for i := range want {
		want[i] = uint8(r.IntN(64))
	}
	d, _ = hll.SetRegisters(d, &want, 0)
	for i, v := range hll.DenseRegisters(d) {
		if v != want[i] {
			return fmt.Sprintf("Register error at %d", i)
		}
	}
	// Estimates: sparse and dense agree while the sparse one stays
	// sparse, and the error stays within 5 standard errors.
	sparse := hll.New()
	dense, _ := hll.ToDense(hll.New())
	relerr := 1.04 / math.Sqrt(hll.Registers)
	seed := r.Uint64()
	var ele [8]byte
	for j, check := 1, 10; j <= 100000; j++ {
		for i := range ele {
			ele[i] = byte((seed + uint64(j)) >> (8 * i))
		}
		sparse, _, _ = hll.Add(sparse, ele[:], hll.DefaultSparseMax)
		dense, _, _ = hll.Add(dense, ele[:], 0)
		if j != check {
			continue
		}
		check *= 10
		cs, _ := hll.Count(sparse)
		cd, _ := hll.Count(dense)
		if cs != cd && !hll.IsDense(sparse) {
			return fmt.Sprintf("dense/sparse disagree %d", j)
		}
		maxerr := math.Ceil(relerr * 5 * float64(j))
		if j == 10 {
			maxerr = 1 // small cardinalities are counted exactly
		}
		if abserr := math.Abs(float64(cd) - float64(j)); abserr > maxerr {
			return fmt.Sprintf("Too big error. card:%d abserr:%g", cd, abserr)
		}
	}
	return ""
}
