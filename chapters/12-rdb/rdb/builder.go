package rdb

import (
	"encoding/binary"
	"fmt"
)

// A Builder builds an RDB file in pieces that the caller hands on itself,
// for a file written in steps while a server keeps serving clients
// (BGSAVE without fork): each method appends one part to dst and keeps
// the running checksum, so that End can write the trailer. The bytes are
// the ones an Encoder writes for the same calls.
type Builder struct {
	enc Encoder
	crc uint64
}

// NewBuilder returns a Builder laying values out under opts.
func NewBuilder(opts Options) *Builder { return &Builder{enc: Encoder{opts: opts}} }

// sum adds dst[from:] to the checksum and returns dst.
func (s *Builder) sum(dst []byte, from int) []byte {
	s.crc = crc64Update(s.crc, dst[from:])
	return dst
}

// Header appends the magic, the version and the AUX fields of info.
func (s *Builder) Header(dst []byte, info Info) []byte {
	from := len(dst)
	dst = append(dst, "REDIS0010"...)
	for _, f := range info.fields() {
		dst = s.enc.appendAux(dst, f[0], f[1])
	}
	return s.sum(dst, from)
}

// SelectDB appends SELECTDB db and, when keys > 0, the RESIZEDB hint.
func (s *Builder) SelectDB(dst []byte, db int, keys, expires uint64) []byte {
	from := len(dst)
	dst = appendLen(append(dst, opSelectDB), uint64(db))
	if keys > 0 {
		dst = appendLen(append(dst, opResizeDB), keys)
		dst = appendLen(dst, expires)
	}
	return s.sum(dst, from)
}

// Function appends one function library's record (RDB_OPCODE_FUNCTION2
// and its code), as Encoder.WriteFunction writes it. Redis writes them
// after the AUX fields, before the first database.
func (s *Builder) Function(dst []byte, code []byte) []byte {
	from := len(dst)
	dst = s.enc.appendString(append(dst, opFunction2), code)
	return s.sum(dst, from)
}

// Key appends one key's record, as Encoder.WriteKey writes it.
func (s *Builder) Key(dst []byte, key []byte, v Value, m Meta) ([]byte, error) {
	from := len(dst)
	dst, err := s.enc.appendKey(dst, key, v, m)
	if err != nil {
		return dst[:from], err
	}
	return s.sum(dst, from), nil
}

// End appends the EOF opcode and the checksum (0 without rdbchecksum).
func (s *Builder) End(dst []byte) []byte {
	dst = s.sum(append(dst, opEOF), len(dst))
	var crc uint64
	if s.enc.opts.Checksum {
		crc = s.crc
	}
	return binary.LittleEndian.AppendUint64(dst, crc)
}

// appendKey appends a key record: its expiry and eviction hint if any,
// then its type, name and value.
func (e *Encoder) appendKey(dst, key []byte, v Value, m Meta) ([]byte, error) {
	if v == nil {
		return dst, fmt.Errorf("rdb: key %q has a nil value", key)
	}
	dst = e.appendKeyHead(dst, m)
	typePos := len(dst)
	dst = append(dst, 0)
	dst = e.appendString(dst, key)
	var t byte
	t, dst = e.appendValue(dst, v)
	dst[typePos] = t
	return dst, nil
}

// appendKeyHead appends what precedes a key's type: its expiry and
// eviction hint, if any.
func (e *Encoder) appendKeyHead(dst []byte, m Meta) []byte {
	if m.ExpireMs != 0 {
		dst = binary.LittleEndian.AppendUint64(append(dst, opExpireTimeMs), uint64(m.ExpireMs))
	}
	switch m.Evict {
	case EvictLRU:
		dst = appendLen(append(dst, opIdle), m.Idle)
	case EvictLFU:
		dst = append(dst, opFreq, m.Freq)
	}
	return dst
}

// appendAux appends one AUX field (opcode 250).
func (e *Encoder) appendAux(dst []byte, key, value string) []byte {
	dst = append(dst, opAux)
	dst = e.appendString(dst, []byte(key))
	return e.appendString(dst, []byte(value))
}

// StringKey is Key for a string value, without boxing it in a Value: a
// snapshot of a million strings then allocates nothing per key.
func (s *Builder) StringKey(dst []byte, key, value []byte, m Meta) []byte {
	from := len(dst)
	dst = s.enc.appendKeyHead(dst, m)
	dst = append(dst, typeString)
	dst = s.enc.appendString(dst, key)
	dst = s.enc.appendString(dst, value)
	return s.sum(dst, from)
}
