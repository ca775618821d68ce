package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// A listpack (Redis 7's listpack.c) is one allocation holding a sequence
// of strings and integers:
//
//	<total bytes: uint32 LE> <count: uint16 LE, 65535 = unknown>
//	<entry> ... <0xFF>
//
// and each entry is <encoding+data> <backlen>, where backlen is the size
// of encoding+data in 1-5 bytes, 7 bits per byte, so that the list can be
// walked from the end. The first byte says the encoding:
//
//	0xxxxxxx                 7-bit unsigned integer
//	10xxxxxx <data>          string up to 63 bytes
//	110xxxxx yyyyyyyy        13-bit signed integer
//	1110xxxx yyyyyyyy <data> string up to 4095 bytes
//	11110000 <len: 4 LE>     longer string
//	11110001 .. 11110100     16, 24, 32, 64-bit signed integer, LE
const (
	lpHeaderSize = 6
	lpEnd        = 0xff
	lpCountMax   = 65535
)

// lpAppendEntry appends one element as lpAppend stores it: as an integer
// if the string is one in canonical form, else as a string.
func lpAppendEntry(dst []byte, s []byte) []byte {
	start := len(dst)
	if v, ok := resp.ParseInt(s); ok {
		dst = lpAppendInt(dst, v)
	} else {
		switch n := len(s); {
		case n < 64:
			dst = append(dst, 0x80|byte(n))
		case n < 4096:
			dst = append(dst, 0xe0|byte(n>>8), byte(n))
		default:
			dst = append(dst, 0xf0)
			dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
		}
		dst = append(dst, s...)
	}
	return lpAppendBacklen(dst, len(dst)-start)
}

func lpAppendInt(dst []byte, v int64) []byte {
	switch {
	case v >= 0 && v <= 127:
		return append(dst, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint64(v) & (1<<13 - 1)
		return append(dst, 0xc0|byte(u>>8), byte(u))
	case v >= -32768 && v <= 32767:
		return binary.LittleEndian.AppendUint16(append(dst, 0xf1), uint16(v))
	case v >= -8388608 && v <= 8388607:
		u := uint32(v)
		return append(dst, 0xf2, byte(u), byte(u>>8), byte(u>>16))
	case v >= -2147483648 && v <= 2147483647:
		return binary.LittleEndian.AppendUint32(append(dst, 0xf3), uint32(v))
	default:
		return binary.LittleEndian.AppendUint64(append(dst, 0xf4), uint64(v))
	}
}

// lpAppendBacklen appends the size l of the entry just written, as
// lpEncodeBacklen: most significant group first, every byte but the
// first with its high bit set.
func lpAppendBacklen(dst []byte, l int) []byte {
	n := 1
	for x := l >> 7; x > 0; x >>= 7 {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		b := byte(l>>(7*i)) & 127
		if i != n-1 {
			b |= 128
		}
		dst = append(dst, b)
	}
	return dst
}

// lpEntrySize is the size an element takes in a listpack, backlen included.
func lpEntrySize(s []byte) int {
	return len(lpAppendEntry(nil, s)) // small elements; used only when splitting lists
}

// buildListpack returns the listpack holding elems in order.
func buildListpack(elems [][]byte) []byte {
	lp := make([]byte, lpHeaderSize, 64)
	for _, e := range elems {
		lp = lpAppendEntry(lp, e)
	}
	lp = append(lp, lpEnd)
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	binary.LittleEndian.PutUint16(lp[4:], uint16(min(len(elems), lpCountMax)))
	return lp
}

var errListpack = errors.New("corrupt listpack")

// parseListpack returns the elements of lp, integers in decimal, after
// checking every length, backlen and the header against the bytes.
// Strings point into lp.
func parseListpack(lp []byte) ([][]byte, error) {
	if len(lp) < lpHeaderSize+1 || int(binary.LittleEndian.Uint32(lp)) != len(lp) || lp[len(lp)-1] != lpEnd {
		return nil, errListpack
	}
	count := int(binary.LittleEndian.Uint16(lp[4:]))
	var elems [][]byte
	if count != lpCountMax {
		elems = make([][]byte, 0, min(count, len(lp)/2))
	}
	p := lp[lpHeaderSize : len(lp)-1]
	for len(p) > 0 {
		elem, size, err := lpEntry(p)
		if err != nil {
			return nil, err
		}
		back, err := lpBacklen(p[size:], size)
		if err != nil {
			return nil, err
		}
		elems = append(elems, elem)
		p = p[size+back:]
	}
	if count != lpCountMax && count != len(elems) {
		return nil, fmt.Errorf("%w: header says %d entries, found %d", errListpack, count, len(elems))
	}
	return elems, nil
}

// lpEntry decodes the entry at the start of p, returning its value and
// the size of its encoding and data.
func lpEntry(p []byte) ([]byte, int, error) {
	b := p[0]
	var n, hdr int
	switch {
	case b&0x80 == 0:
		return strconv.AppendInt(nil, int64(b), 10), 1, nil
	case b&0xc0 == 0x80:
		n, hdr = int(b&0x3f), 1
	case b&0xe0 == 0xc0:
		if len(p) < 2 {
			return nil, 0, errListpack
		}
		v := int64(b&0x1f)<<8 | int64(p[1])
		if v >= 1<<12 {
			v -= 1 << 13
		}
		return strconv.AppendInt(nil, v, 10), 2, nil
	case b&0xf0 == 0xe0:
		if len(p) < 2 {
			return nil, 0, errListpack
		}
		n, hdr = int(b&0x0f)<<8|int(p[1]), 2
	case b == 0xf0:
		if len(p) < 5 {
			return nil, 0, errListpack
		}
		n, hdr = int(binary.LittleEndian.Uint32(p[1:])), 5
	case b >= 0xf1 && b <= 0xf4:
		size := [...]int{2, 3, 4, 8}[b-0xf1]
		if len(p) < 1+size {
			return nil, 0, errListpack
		}
		var u uint64
		for i := size - 1; i >= 0; i-- {
			u = u<<8 | uint64(p[1+i])
		}
		shift := 64 - 8*size
		v := int64(u<<shift) >> shift // sign-extend
		return strconv.AppendInt(nil, v, 10), 1 + size, nil
	default:
		return nil, 0, fmt.Errorf("%w: bad entry encoding 0x%02x", errListpack, b)
	}
	if n > len(p)-hdr {
		return nil, 0, errListpack
	}
	return p[hdr : hdr+n : hdr+n], hdr + n, nil
}

// lpBacklen checks that p starts with the backlen of an entry of the given
// size and returns the backlen's length.
func lpBacklen(p []byte, size int) (int, error) {
	want := lpAppendBacklen(make([]byte, 0, 5), size)
	if len(p) < len(want) || string(p[:len(want)]) != string(want) {
		return 0, fmt.Errorf("%w: bad backlen", errListpack)
	}
	return len(want), nil
}
