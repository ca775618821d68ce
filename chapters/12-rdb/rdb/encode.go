package rdb

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Options are the redis.conf settings that decide how a value is laid out
// in the file. With the same settings as a redis-server, the Encoder
// writes the bytes that server writes for the same data. Start from
// Defaults: the zero Options turn compression and the checksum off and
// put every aggregate in its large encoding.
type Options struct {
	Compression bool // rdbcompression: LZF-compress strings over 20 bytes when it saves space
	Checksum    bool // rdbchecksum: write the CRC64 trailer (else 0)

	HashMaxListpackEntries int // hash-max-listpack-entries
	HashMaxListpackValue   int // hash-max-listpack-value
	SetMaxIntsetEntries    int // set-max-intset-entries
	ZSetMaxListpackEntries int // zset-max-listpack-entries
	ZSetMaxListpackValue   int // zset-max-listpack-value
	// ListMaxListpackSize is list-max-listpack-size: negative values -1
	// to -5 cap each quicklist node at 4, 8, 16, 32 or 64 KiB, positive
	// values cap its number of elements.
	ListMaxListpackSize int
}

// Defaults returns Redis 7.0's default settings.
func Defaults() Options {
	return Options{
		Compression:            true,
		Checksum:               true,
		HashMaxListpackEntries: 512,
		HashMaxListpackValue:   64,
		SetMaxIntsetEntries:    512,
		ZSetMaxListpackEntries: 128,
		ZSetMaxListpackValue:   64,
		ListMaxListpackSize:    -2,
	}
}

// Info holds the AUX fields Redis 7.0 writes at the start of every file.
type Info struct {
	RedisVer string // "redis-ver"
	Bits     int    // "redis-bits": 64 or 32
	CTime    int64  // "ctime": creation time, Unix seconds
	UsedMem  int64  // "used-mem": bytes of memory in use
	// Repl, when set, adds the replication fields Redis writes when it
	// has a replication stream (a full sync, or a primary's SAVE).
	Repl    *ReplInfo
	AOFBase bool // "aof-base": the file is the base of an AOF
}

// ReplInfo holds the replication AUX fields.
type ReplInfo struct {
	StreamDB int    // "repl-stream-db": the database the stream last selected
	ID       string // "repl-id": the replication ID
	Offset   int64  // "repl-offset": the replication offset the file matches
}

// An Encoder writes one RDB file: WriteHeader, the AUX fields, then for
// each database SelectDB, ResizeDB and its keys, and Close. The first
// error sticks: later calls do nothing and return it.
type Encoder struct {
	w    *bufio.Writer
	opts Options
	crc  uint64
	buf  []byte // scratch for one record
	lzf  []byte // scratch for compressed strings
	err  error
}

// NewEncoder returns an Encoder writing to w with the given settings.
func NewEncoder(w io.Writer, opts Options) *Encoder {
	return &Encoder{w: bufio.NewWriterSize(w, 64<<10), opts: opts}
}

// flushRecord writes the record built in e.buf.
func (e *Encoder) flushRecord() error {
	if e.err != nil {
		return e.err
	}
	e.crc = crc64Update(e.crc, e.buf)
	_, e.err = e.w.Write(e.buf)
	e.buf = e.buf[:0]
	return e.err
}

// WriteHeader writes the magic "REDIS" and the version, "0010".
func (e *Encoder) WriteHeader() error {
	e.buf = append(e.buf[:0], "REDIS0010"...)
	return e.flushRecord()
}

// WriteAux writes one AUX field (opcode 250), the value stored as Redis
// stores any string: as an integer when it is one.
func (e *Encoder) WriteAux(key, value string) error {
	e.buf = e.appendAux(e.buf[:0], key, value)
	return e.flushRecord()
}

// WriteInfo writes the AUX fields of info in the order Redis 7.0 does.
func (e *Encoder) WriteInfo(info Info) error {
	for _, f := range info.fields() {
		e.WriteAux(f[0], f[1])
	}
	return e.err
}

// fields are info's AUX fields, in Redis 7.0's order.
func (info Info) fields() [][2]string {
	aofBase := "0"
	if info.AOFBase {
		aofBase = "1"
	}
	f := [][2]string{{"redis-ver", info.RedisVer}, {"redis-bits", strconv.Itoa(info.Bits)},
		{"ctime", strconv.FormatInt(info.CTime, 10)}, {"used-mem", strconv.FormatInt(info.UsedMem, 10)}}
	if r := info.Repl; r != nil {
		f = append(f, [2]string{"repl-stream-db", strconv.Itoa(r.StreamDB)}, [2]string{"repl-id", r.ID},
			[2]string{"repl-offset", strconv.FormatInt(r.Offset, 10)})
	}
	return append(f, [2]string{"aof-base", aofBase})
}

// WriteFunction writes one function library's code (opcode 245).
func (e *Encoder) WriteFunction(code []byte) error {
	e.buf = append(e.buf[:0], opFunction2)
	e.buf = e.appendString(e.buf, code)
	return e.flushRecord()
}

// SelectDB starts database db.
func (e *Encoder) SelectDB(db int) error {
	e.buf = appendLen(append(e.buf[:0], opSelectDB), uint64(db))
	return e.flushRecord()
}

// ResizeDB records how many keys, and how many of them with an expiry,
// the database holds, so that a loader can size its tables once.
func (e *Encoder) ResizeDB(keys, expires uint64) error {
	e.buf = appendLen(append(e.buf[:0], opResizeDB), keys)
	e.buf = appendLen(e.buf, expires)
	return e.flushRecord()
}

// WriteKey writes one key: its expiry and eviction hint if any, then its
// type, name and value.
func (e *Encoder) WriteKey(key []byte, v Value, m Meta) error {
	var err error
	if e.buf, err = e.appendKey(e.buf[:0], key, v, m); err != nil {
		if e.err == nil {
			e.err = err
		}
		return e.err
	}
	return e.flushRecord()
}

// Close writes the EOF opcode and the checksum and flushes. It does not
// close the underlying writer.
func (e *Encoder) Close() error {
	e.buf = append(e.buf[:0], opEOF)
	if e.flushRecord() != nil {
		return e.err
	}
	var sum uint64
	if e.opts.Checksum {
		sum = e.crc
	}
	e.buf = binary.LittleEndian.AppendUint64(e.buf[:0], sum)
	if _, e.err = e.w.Write(e.buf); e.err != nil {
		return e.err
	}
	if e.err = e.w.Flush(); e.err != nil {
		return e.err
	}
	e.err = errClosed
	return nil
}

var errClosed = errors.New("rdb: encoder closed")

// appendString appends s as rdbSaveRawString does: a short string that is
// a canonical integer in int32 range as 0xC0-0xC2 and 1, 2 or 4 bytes; a
// string over 20 bytes LZF-compressed if compression is on and saves at
// least 4 bytes; any other as a length and the bytes.
func (e *Encoder) appendString(dst, s []byte) []byte {
	if len(s) <= 11 {
		if v, ok := resp.ParseInt(s); ok {
			switch {
			case v >= math.MinInt8 && v <= math.MaxInt8:
				return append(dst, lenSpec<<6|encInt8, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				return binary.LittleEndian.AppendUint16(append(dst, lenSpec<<6|encInt16), uint16(v))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				return binary.LittleEndian.AppendUint32(append(dst, lenSpec<<6|encInt32), uint32(v))
			}
		}
	}
	if e.opts.Compression && len(s) > 20 {
		if c := lzfCompressBuf(e.lzf, s, len(s)-4); c != nil {
			e.lzf = c[:0]
			dst = append(dst, lenSpec<<6|encLZF)
			dst = appendLen(dst, uint64(len(c)))
			dst = appendLen(dst, uint64(len(s)))
			return append(dst, c...)
		}
	}
	return append(appendLen(dst, uint64(len(s))), s...)
}

// appendValue appends v, which is not nil, in the encoding Redis 7.0
// would hold it in under e.opts and returns its RDB type.
func (e *Encoder) appendValue(dst []byte, v Value) (byte, []byte) {
	o := &e.opts
	switch v := v.(type) {
	case String:
		return typeString, e.appendString(dst, v)
	case List:
		nodes := splitQuicklist(v, o.ListMaxListpackSize)
		dst = appendLen(dst, uint64(len(nodes)))
		for _, n := range nodes {
			if n.plain {
				dst = appendLen(dst, containerPlain)
				dst = e.appendString(dst, n.elems[0])
				continue
			}
			dst = appendLen(dst, containerPacked)
			dst = e.appendString(dst, buildListpack(n.elems))
		}
		return typeListQuicklist2, dst
	case Hash:
		if len(v) <= o.HashMaxListpackEntries && !slices.ContainsFunc(v, func(p [2][]byte) bool {
			return len(p[0]) > o.HashMaxListpackValue || len(p[1]) > o.HashMaxListpackValue
		}) {
			flat := make([][]byte, 0, 2*len(v))
			for _, p := range v {
				flat = append(flat, p[0], p[1])
			}
			return typeHashListpack, e.appendString(dst, buildListpack(flat))
		}
		dst = appendLen(dst, uint64(len(v)))
		for _, p := range v {
			dst = e.appendString(e.appendString(dst, p[0]), p[1])
		}
		return typeHash, dst
	case Set:
		if ints, ok := intsetMembers(v, o.SetMaxIntsetEntries); ok {
			return typeSetIntset, e.appendString(dst, buildIntset(ints))
		}
		dst = appendLen(dst, uint64(len(v)))
		for _, m := range v {
			dst = e.appendString(dst, m)
		}
		return typeSet, dst
	case ZSet:
		sorted := slices.Clone(v)
		slices.SortFunc(sorted, compareScored)
		if len(v) <= o.ZSetMaxListpackEntries && !slices.ContainsFunc(v, func(s Scored) bool {
			return len(s.Member) > o.ZSetMaxListpackValue
		}) {
			flat := make([][]byte, 0, 2*len(v))
			for _, s := range sorted {
				flat = append(flat, s.Member, resp.AppendD2String(nil, s.Score))
			}
			return typeZSetListpack, e.appendString(dst, buildListpack(flat))
		}
		// Redis saves a skiplist from the greatest element down, so that
		// loading inserts each at the head.
		dst = appendLen(dst, uint64(len(v)))
		for _, s := range slices.Backward(sorted) {
			dst = e.appendString(dst, s.Member)
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(s.Score))
		}
		return typeZSet2, dst
	case Stream:
		return typeStreamListpacks2, e.appendStream(dst, v)
	}
	panic("rdb: unknown Value type") // unreachable: Value's method set is closed and nil is checked
}

// intsetMembers returns the set's members as integers if the set is small
// enough and all of them are integers Redis would keep in an intset.
func intsetMembers(s Set, max int) ([]int64, bool) {
	if len(s) > max {
		return nil, false
	}
	ints := make([]int64, len(s))
	for i, m := range s {
		v, ok := resp.ParseInt(m)
		if !ok {
			return nil, false
		}
		ints[i] = v
	}
	return ints, true
}

// compareScored orders as a sorted set does: by score, then by member.
func compareScored(a, b Scored) int {
	if a.Score < b.Score {
		return -1
	}
	if a.Score > b.Score {
		return 1
	}
	return bytes.Compare(a.Member, b.Member)
}

// quicklistNode is one node of a list as Redis 7.0 builds it.
type quicklistNode struct {
	elems [][]byte
	plain bool // one element too large for a listpack (>= 1 GiB)
}

// Quicklist limits (quicklist.c).
const (
	qlSizeSafetyLimit = 8192
	qlPackedThreshold = 1 << 30
)

var qlOptimizationLevel = [...]int{4096, 8192, 16384, 32768, 65536}

// splitQuicklist cuts a list into nodes the way RPUSH of its elements in
// order fills a Redis 7.0 quicklist (quicklistPushTail and
// _quicklistNodeAllowInsert), so that the file has Redis's node layout.
func splitQuicklist(elems [][]byte, fill int) []quicklistNode {
	var nodes []quicklistNode
	size := 0 // bytes of the tail node's listpack
	for _, el := range elems {
		if len(el) >= qlPackedThreshold {
			nodes = append(nodes, quicklistNode{elems: [][]byte{el}, plain: true})
			continue
		}
		if n := len(nodes); n > 0 && !nodes[n-1].plain && qlAllowInsert(size, len(nodes[n-1].elems), fill, len(el)) {
			nodes[n-1].elems = append(nodes[n-1].elems, el)
			size += lpEntrySize(el)
			continue
		}
		nodes = append(nodes, quicklistNode{elems: [][]byte{el}})
		size = lpHeaderSize + 1 + lpEntrySize(el)
	}
	return nodes
}

// qlAllowInsert is _quicklistNodeAllowInsert: whether an element of sz
// bytes still goes into a node of nodeSize bytes holding count elements.
// Redis estimates the element's cost as its length plus 8 bytes.
func qlAllowInsert(nodeSize, count, fill, sz int) bool {
	const sizeEstimateOverhead = 8
	newSize := nodeSize + sz + sizeEstimateOverhead
	if fill < 0 && -fill-1 < len(qlOptimizationLevel) {
		if newSize <= qlOptimizationLevel[-fill-1] {
			return true
		}
	}
	if newSize > qlSizeSafetyLimit {
		return false
	}
	return count < fill
}
