package rdb

import (
	"encoding/binary"
	"fmt"
)

// Lengths in RDB are variable-sized, chosen by the top two bits of the
// first byte (rdbSaveLen / rdbLoadLenByRef in Redis's rdb.c):
//
//	00xxxxxx                      6-bit length
//	01xxxxxx xxxxxxxx             14-bit length, big-endian
//	10000000 + 4 bytes            32-bit length, big-endian
//	10000001 + 8 bytes            64-bit length, big-endian
//	11xxxxxx                      not a length: a special string encoding
//	                              in the low 6 bits (see below)
const (
	len6     = 0
	len14    = 1
	len32    = 0x80
	len64    = 0x81
	lenSpec  = 3 // the top two bits of an encoded string
	encInt8  = 0 // special encodings, after 11
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// appendLen appends n in the shortest length encoding, as rdbSaveLen.
func appendLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n))
	case n < 1<<14:
		return append(dst, byte(n>>8)|len14<<6, byte(n))
	case n <= 0xffffffff:
		dst = append(dst, len32)
		return binary.BigEndian.AppendUint32(dst, uint32(n))
	default:
		dst = append(dst, len64)
		return binary.BigEndian.AppendUint64(dst, n)
	}
}

// readLen reads a length. encoded reports a special string encoding, whose
// kind is then n.
func (r *reader) readLen() (n uint64, encoded bool, err error) {
	b, err := r.byte()
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case len6:
		return uint64(b & 0x3f), false, nil
	case len14:
		b2, err := r.byte()
		return uint64(b&0x3f)<<8 | uint64(b2), false, err
	case lenSpec:
		return uint64(b & 0x3f), true, nil
	}
	switch b {
	case len32:
		p, err := r.fixed(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(p)), false, nil
	case len64:
		p, err := r.fixed(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(p), false, nil
	}
	return 0, false, fmt.Errorf("unknown length encoding 0x%02x", b)
}

// readCount reads a length that must be a plain count, not a string
// encoding.
func (r *reader) readCount() (uint64, error) {
	n, enc, err := r.readLen()
	if err == nil && enc {
		err = fmt.Errorf("string encoding where a length belongs")
	}
	return n, err
}
