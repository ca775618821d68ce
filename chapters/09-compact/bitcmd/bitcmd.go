// Package bitcmd is Redis's bit commands, as its bitops.c: SETBIT,
// GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO. A bitmap is
// no type of its own: it is a string value, read and grown bit by bit,
// so GET, APPEND, the AOF and every other string command see the same
// bytes. The bit arithmetic itself is package bitmap.
package bitcmd

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/09-compact/bitmap"
)

const errBitOffset = "ERR bit offset is not an integer or out of range"

// Bits holds the databases the commands work on.
type Bits struct {
	*cache.Cache
}

// Register adds the bit commands to s, on the databases of ca.
func Register(s *server.Server, ca *cache.Cache) *Bits {
	k := &Bits{Cache: ca}
	s.Commands.Add(k.commands()...)
	return k
}

// commands is the table: Redis 7.0's arity, flags and key positions.
func (k *Bits) commands() []*server.Command {
	const w, r, fast, oom = server.Write, server.ReadOnly, server.Fast, server.DenyOOM
	return []*server.Command{
		server.NewCommand("setbit", 4, w|oom, 1, 1, 1, "bitmap", k.setbit),
		server.NewCommand("getbit", 3, r|fast, 1, 1, 1, "bitmap", k.getbit),
		server.NewCommand("bitcount", -2, r, 1, 1, 1, "bitmap", k.bitcount),
		server.NewCommand("bitpos", -3, r, 1, 1, 1, "bitmap", k.bitpos),
		server.NewCommand("bitop", -4, w|oom, 2, -1, 1, "bitmap", k.bitop),
		server.NewCommand("bitfield", -2, w|oom, 1, 1, 1, "bitmap", func(c *server.Client) { k.bitfield(c, false) }),
		server.NewCommand("bitfield_ro", -2, r|fast, 1, 1, 1, "bitmap", func(c *server.Client) { k.bitfield(c, true) }),
	}
}

// maxBulkLen is proto-max-bulk-len, which bounds bit offsets as it
// bounds the strings a client may send.
func maxBulkLen(c *server.Client) int64 {
	if n := c.Srv.MaxBulkLen; n > 0 {
		return n
	}
	return resp.MaxBulkLen
}

// bitOffset reads a bit offset (getBitOffsetFromArgument). With a width
// (BITFIELD), "#n" means the n-th integer of that width. The byte the
// offset falls in must be below proto-max-bulk-len.
func bitOffset(c *server.Client, arg []byte, width int) (uint64, bool) {
	hash := width > 0 && len(arg) > 0 && arg[0] == '#'
	if hash {
		arg = arg[1:]
	}
	n, ok := resp.ParseInt(arg)
	if hash {
		n *= int64(width) // wraps as in C; a negative result is refused below
	}
	if !ok || n < 0 || n>>3 >= maxBulkLen(c) {
		c.Error(errBitOffset)
		return 0, false
	}
	return uint64(n), true
}

// stringForBits looks key up for a bit write (lookupStringForBitCommand):
// the string, created or padded with zero bytes so that bit maxbit
// exists, and made a raw string as Redis's dbUnshareStringValue makes
// it. Nil after a WRONGTYPE reply; grown reports a new or longer string.
func (k *Bits) stringForBits(c *server.Client, key []byte, maxbit uint64) (e *keyspace.Entry, grown bool) {
	db, now := k.DB(c), k.Now()
	e = db.LookupWrite(key, now)
	last := int(maxbit >> 3)
	if e == nil {
		e = db.SetString(key, nil, now)
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(cache.ErrWrongType)
		return nil, false
	}
	var cur byte
	if last < len(b) {
		cur = b[last]
	}
	grown = last >= len(b)
	e.SetRange(last, []byte{cur}) // grows with zeros, and the form becomes raw
	return e, grown
}

// SETBIT key offset 0|1: the bit's old value. It is propagated when the
// string grew or the bit changed, as redis-server 7.0.15 does.
func (k *Bits) setbit(c *server.Client) {
	off, ok := bitOffset(c, c.Args[2], 0)
	if !ok {
		return
	}
	on, ok := resp.ParseInt(c.Args[3])
	if !ok || on&^1 != 0 {
		c.Error("ERR bit is not an integer or out of range")
		return
	}
	e, grown := k.stringForBits(c, c.Args[1], off)
	if e == nil {
		return
	}
	b, _ := e.Bytes()
	i, shift := int(off>>3), 7-off&7
	old := b[i] >> shift & 1
	e.SetRange(i, []byte{b[i]&^(1<<shift) | byte(on)<<shift})
	c.W.Int(int64(old))
	if grown || int64(old) != on {
		c.Propagate()
	}
}

// GETBIT key offset: 0 past the end of the string or for a missing key.
func (k *Bits) getbit(c *server.Client) {
	off, ok := bitOffset(c, c.Args[2], 0)
	if !ok {
		return
	}
	b, ok := k.readBits(c, c.Args[1])
	if !ok {
		return
	}
	if i := off >> 3; i < uint64(len(b)) {
		c.W.Int(int64(b[i] >> (7 - off&7) & 1))
		return
	}
	c.W.Int(0)
}

// readBits looks key up for reading a string: nil for a missing key;
// ok is false after a WRONGTYPE reply.
func (k *Bits) readBits(c *server.Client, key []byte) (b []byte, ok bool) {
	e := k.LookupRead(c, key)
	if e == nil {
		return nil, true
	}
	if b, ok = e.Bytes(); !ok {
		c.Error(cache.ErrWrongType)
	}
	return b, ok
}

// bitRange turns BITCOUNT's and BITPOS's start and end (negative from
// the end, in bytes or with BIT in bits) into a byte range of b, with
// masks of the bits of its first and last byte that lie outside a bit
// range. empty reports a range with nothing in it.
func bitRange(n int, start, end int64, isBit bool) (s, e int64, firstMask, lastMask byte, empty bool) {
	total := int64(n)
	if isBit {
		total <<= 3
	}
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start, end = max(start, 0), max(end, 0)
	if end >= total {
		end = total - 1
	}
	if isBit && start <= end {
		firstMask = ^byte(1<<(8-start&7) - 1)
		lastMask = byte(1<<(7-end&7) - 1)
		start >>= 3
		end >>= 3
	}
	return start, end, firstMask, lastMask, start > end
}

// rangeUnit reads BYTE or BIT.
func rangeUnit(c *server.Client, arg []byte) (isBit, ok bool) {
	switch {
	case cache.Eq(arg, "bit"):
		return true, true
	case cache.Eq(arg, "byte"):
		return false, true
	}
	c.ErrSyntax()
	return false, false
}

// BITCOUNT key [start end [BYTE|BIT]]. As in Redis 7.0, the key is looked
// up first: a missing key counts 0 whatever the range says.
func (k *Bits) bitcount(c *server.Client) {
	e := k.LookupRead(c, c.Args[1])
	if e == nil {
		c.W.Int(0)
		return
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(cache.ErrWrongType)
		return
	}
	var start, end int64
	var firstMask, lastMask byte
	switch len(c.Args) {
	case 2:
		start, end = 0, int64(len(b))-1
	case 4, 5:
		var ok1, ok2 bool
		if start, ok1 = resp.ParseInt(c.Args[2]); !ok1 {
			c.Error(cache.ErrNotInt)
			return
		}
		if end, ok2 = resp.ParseInt(c.Args[3]); !ok2 {
			c.Error(cache.ErrNotInt)
			return
		}
		if start < 0 && end < 0 && start > end {
			c.W.Int(0)
			return
		}
		isBit := false
		if len(c.Args) == 5 {
			if isBit, ok = rangeUnit(c, c.Args[4]); !ok {
				return
			}
		}
		start, end, firstMask, lastMask, _ = bitRange(len(b), start, end, isBit)
	default:
		c.ErrSyntax()
		return
	}
	if start > end {
		c.W.Int(0)
		return
	}
	n := bitmap.Count(b[start : end+1])
	n -= bitmap.Count([]byte{b[start] & firstMask, b[end] & lastMask})
	c.W.Int(n)
}

// BITPOS key bit [start [end [BYTE|BIT]]]: the first bit set to bit. A
// missing key is all zeros; without an end, the string reads as padded
// with zeros on the right, so looking for a 0 may answer one bit past it.
func (k *Bits) bitpos(c *server.Client) {
	bit, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error(cache.ErrNotInt)
		return
	}
	if bit != 0 && bit != 1 {
		c.Error("ERR The bit argument must be 1 or 0.")
		return
	}
	e := k.LookupRead(c, c.Args[1])
	if e == nil {
		c.W.Int(-bit)
		return
	}
	b, ok := e.Bytes()
	if !ok {
		c.Error(cache.ErrWrongType)
		return
	}
	var start, end int64
	var firstMask, lastMask byte
	endGiven := false
	switch len(c.Args) {
	case 3:
		start, end = 0, int64(len(b))-1
	case 4, 5, 6:
		if start, ok = resp.ParseInt(c.Args[3]); !ok {
			c.Error(cache.ErrNotInt)
			return
		}
		isBit := false
		if len(c.Args) == 6 {
			if isBit, ok = rangeUnit(c, c.Args[5]); !ok {
				return
			}
		}
		if len(c.Args) >= 5 {
			if end, ok = resp.ParseInt(c.Args[4]); !ok {
				c.Error(cache.ErrNotInt)
				return
			}
			endGiven = true
		} else {
			end = int64(len(b)) - 1
		}
		start, end, firstMask, lastMask, _ = bitRange(len(b), start, end, isBit)
	default:
		c.ErrSyntax()
		return
	}
	if start > end {
		c.W.Int(-1)
		return
	}
	pos, bytes, start := firstBit(b, start, end, firstMask, lastMask, int(bit))
	if endGiven && bit == 0 && pos == bytes<<3 {
		c.W.Int(-1) // no 0 inside an explicit range
		return
	}
	if pos != -1 {
		pos += start << 3
	}
	c.W.Int(pos)
}

// firstBit searches bytes start..end of b for bit, leaving out the bits
// the masks mark in the first and last byte, in bitposCommand's steps:
// the first byte alone, the whole bytes, the last byte alone. It
// returns the position found relative to the byte the last step began
// at, that byte, and how many bytes the step covered: a search for a 0
// that found none answers bytes*8 there.
func firstBit(b []byte, start, end int64, firstMask, lastMask byte, bit int) (pos, bytes, at int64) {
	masked := func(c, mask byte) byte {
		if bit == 1 {
			return c &^ mask
		}
		return c | mask
	}
	bytes = end - start + 1
	if firstMask != 0 {
		c := masked(b[start], firstMask)
		if lastMask != 0 && bytes == 1 {
			c = masked(c, lastMask)
		}
		pos = bitmap.Pos([]byte{c}, bit)
		if bytes == 1 || (pos != -1 && pos != 8) {
			return pos, bytes, start
		}
		start++
		bytes--
	}
	cur := bytes
	if lastMask != 0 {
		cur--
	}
	if cur > 0 {
		pos = bitmap.Pos(b[start:start+cur], bit)
		if bytes == cur || (pos != -1 && pos != cur<<3) {
			return pos, bytes, start
		}
		start += cur
		bytes -= cur
	}
	return bitmap.Pos([]byte{masked(b[end], lastMask)}, bit), bytes, start
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: the result's length. A
// missing source is an empty string; an empty result deletes destkey.
func (k *Bits) bitop(c *server.Client) {
	var op bitmap.Op
	switch name := c.Args[1]; {
	case cache.Eq(name, "and"):
		op = bitmap.And
	case cache.Eq(name, "or"):
		op = bitmap.Or
	case cache.Eq(name, "xor"):
		op = bitmap.Xor
	case cache.Eq(name, "not"):
		op = bitmap.Not
	default:
		c.ErrSyntax()
		return
	}
	if op == bitmap.Not && len(c.Args) != 4 {
		c.Error("ERR BITOP NOT must be called with a single source key.")
		return
	}
	srcs := make([][]byte, 0, len(c.Args)-3)
	for _, key := range c.Args[3:] {
		b, ok := k.readBits(c, key)
		if !ok {
			return
		}
		srcs = append(srcs, b)
	}
	res := bitmap.Apply(op, srcs)
	dest, db, now := c.Args[2], k.DB(c), k.Now()
	if len(res) > 0 {
		e := db.SetString(dest, res, now)
		e.SetForm(keyspace.FormRaw) // createObject, not createStringObject: never embstr
		c.Propagate()
	} else if db.Delete(dest, now) {
		c.Propagate()
	}
	c.W.Int(int64(len(res)))
}

// fieldOp is one GET, SET or INCRBY of BITFIELD.
type fieldOp struct {
	kind   byte // 'g', 's' or 'i'
	off    uint64
	width  int
	signed bool
	arg    int64
	ow     bitmap.Overflow
}

// fieldType reads a BITFIELD type: i1..i64 or u1..u63.
func fieldType(c *server.Client, arg []byte) (width int, signed, ok bool) {
	if len(arg) > 0 && (arg[0] == 'i' || arg[0] == 'u') {
		n, ok := resp.ParseInt(arg[1:])
		signed = arg[0] == 'i'
		if ok && n >= 1 && (n <= 63 || (signed && n == 64)) {
			return int(n), signed, true
		}
	}
	c.Error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	return 0, false, false
}

// parseBitfield reads BITFIELD's subcommands; a reply was written when
// ok is false. highest is the last bit a SET or INCRBY touches.
func parseBitfield(c *server.Client) (ops []fieldOp, readonly bool, highest uint64, ok bool) {
	readonly = true
	ow := bitmap.Wrap
	for j := 2; j < len(c.Args); j++ {
		rest := len(c.Args) - j - 1
		sub := c.Args[j]
		var op fieldOp
		switch {
		case cache.Eq(sub, "get") && rest >= 2:
			op.kind = 'g'
		case cache.Eq(sub, "set") && rest >= 3:
			op.kind = 's'
		case cache.Eq(sub, "incrby") && rest >= 3:
			op.kind = 'i'
		case cache.Eq(sub, "overflow") && rest >= 1:
			j++
			switch t := c.Args[j]; {
			case cache.Eq(t, "wrap"):
				ow = bitmap.Wrap
			case cache.Eq(t, "sat"):
				ow = bitmap.Sat
			case cache.Eq(t, "fail"):
				ow = bitmap.Fail
			default:
				c.Error("ERR Invalid OVERFLOW type specified")
				return nil, false, 0, false
			}
			continue
		default:
			c.ErrSyntax()
			return nil, false, 0, false
		}
		if op.width, op.signed, ok = fieldType(c, c.Args[j+1]); !ok {
			return nil, false, 0, false
		}
		if op.off, ok = bitOffset(c, c.Args[j+2], op.width); !ok {
			return nil, false, 0, false
		}
		if op.kind != 'g' {
			readonly = false
			highest = max(highest, op.off+uint64(op.width)-1)
			if op.arg, ok = resp.ParseInt(c.Args[j+3]); !ok {
				c.Error(cache.ErrNotInt)
				return nil, false, 0, false
			}
			j++
		}
		j += 2
		op.ow = ow
		ops = append(ops, op)
	}
	return ops, readonly, highest, true
}

// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type
// offset increment] [OVERFLOW WRAP|SAT|FAIL] ...: one reply per GET, SET
// (the old value) and INCRBY (the new value), nil where OVERFLOW FAIL
// refused the change. The string grows to the farthest bit written
// before any operation runs. As in redis-server 7.0.15, the command is
// propagated when a SET or INCRBY that ran changed its field or the
// string grew (a refused one counts for nothing). BITFIELD_RO takes only
// GET.
func (k *Bits) bitfield(c *server.Client, ro bool) {
	ops, readonly, highest, ok := parseBitfield(c)
	if !ok {
		return
	}
	var e *keyspace.Entry
	grown := false
	if readonly {
		e = k.LookupRead(c, c.Args[1])
		if e != nil && !e.IsString() {
			c.Error(cache.ErrWrongType)
			return
		}
	} else {
		if ro {
			c.Error("ERR BITFIELD_RO only supports the GET subcommand")
			return
		}
		if e, grown = k.stringForBits(c, c.Args[1], highest); e == nil {
			return
		}
	}
	c.W.Array(len(ops))
	changes := 0
	for _, op := range ops {
		var buf [9]byte // the bytes the field spans, zero past the string
		first := op.off >> 3
		if e != nil {
			b, _ := e.Bytes()
			if first < uint64(len(b)) {
				copy(buf[:], b[first:])
			}
		}
		rel := op.off - first<<3
		if op.kind == 'g' {
			if op.signed {
				c.W.Int(bitmap.GetSigned(buf[:], rel, op.width))
			} else {
				c.W.Int(int64(bitmap.Get(buf[:], rel, op.width)))
			}
			continue
		}
		var reply int64
		var store, prev uint64
		var over bool
		if op.signed {
			old := bitmap.GetSigned(buf[:], rel, op.width)
			prev = uint64(old)
			var v int64
			if op.kind == 'i' {
				v, over = bitmap.AddSigned(old, op.arg, op.width, op.ow)
				reply = v
			} else {
				v, over = bitmap.AddSigned(op.arg, 0, op.width, op.ow)
				reply = old
			}
			store = uint64(v)
		} else {
			old := bitmap.Get(buf[:], rel, op.width)
			prev = old
			if op.kind == 'i' {
				store, over = bitmap.AddUnsigned(old, op.arg, op.width, op.ow)
				reply = int64(store)
			} else {
				store, over = bitmap.AddUnsigned(uint64(op.arg), 0, op.width, op.ow)
				reply = int64(old)
			}
		}
		if over && op.ow == bitmap.Fail {
			c.W.Null()
			continue
		}
		c.W.Int(reply)
		if grown || store != prev {
			changes++
		}
		bitmap.Set(buf[:], rel, op.width, store)
		n := int((rel + uint64(op.width) + 7) >> 3)
		e.SetRange(int(first), buf[:n])
	}
	if changes > 0 {
		c.Propagate()
	}
}
