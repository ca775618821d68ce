package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// Ziplists (ziplist.c) and zipmaps (zipmap.c) are what Redis before 7.0
// stored small lists, hashes and sorted sets in; this package reads them
// so that older files load, and never writes them.
//
// A ziplist is
//
//	<total bytes: uint32 LE> <offset of last entry: uint32 LE>
//	<count: uint16 LE, 65535 = unknown> <entry> ... <0xFF>
//
// and each entry is <prevlen> <encoding> <data>: prevlen, the size of the
// previous entry, is one byte below 254, else 0xFE and a uint32 LE. The
// encoding:
//
//	00xxxxxx                    string up to 63 bytes
//	01xxxxxx yyyyyyyy           string up to 16383 bytes (14 bits BE)
//	10000000 <len: 4 BE>        longer string
//	11000000 / 11010000 / 11100000   int16 / int32 / int64 LE
//	11110000 / 11111110         int24 / int8
//	1111xxxx                    xxxx-1, for xxxx in 1..13

var errZiplist = errors.New("corrupt ziplist")

func parseZiplist(zl []byte) ([][]byte, error) {
	if len(zl) < 11 || int(binary.LittleEndian.Uint32(zl)) != len(zl) || zl[len(zl)-1] != 0xff {
		return nil, errZiplist
	}
	tail := int(binary.LittleEndian.Uint32(zl[4:]))
	count := int(binary.LittleEndian.Uint16(zl[8:]))
	var elems [][]byte
	prevSize, last := 0, 10
	for p := 10; p < len(zl)-1; {
		start := p
		prevlen, n, err := zlPrevlen(zl[p:])
		if err != nil {
			return nil, err
		}
		if prevlen != prevSize {
			return nil, fmt.Errorf("%w: prevlen %d, previous entry has %d bytes", errZiplist, prevlen, prevSize)
		}
		p += n
		elem, n, err := zlEntry(zl[p : len(zl)-1])
		if err != nil {
			return nil, err
		}
		p += n
		elems = append(elems, elem)
		prevSize, last = p-start, start
	}
	if tail != last || count != 65535 && count != len(elems) {
		return nil, errZiplist
	}
	return elems, nil
}

func zlPrevlen(p []byte) (int, int, error) {
	if p[0] < 254 {
		return int(p[0]), 1, nil
	}
	if p[0] != 254 || len(p) < 5 {
		return 0, 0, errZiplist
	}
	return int(binary.LittleEndian.Uint32(p[1:])), 5, nil
}

func zlEntry(p []byte) ([]byte, int, error) {
	if len(p) == 0 {
		return nil, 0, errZiplist
	}
	b := p[0]
	var n, hdr int
	switch b >> 6 {
	case 0:
		n, hdr = int(b&0x3f), 1
	case 1:
		if len(p) < 2 {
			return nil, 0, errZiplist
		}
		n, hdr = int(b&0x3f)<<8|int(p[1]), 2
	case 2:
		if b != 0x80 || len(p) < 5 {
			return nil, 0, errZiplist
		}
		n, hdr = int(binary.BigEndian.Uint32(p[1:])), 5
	default:
		var size int
		switch b {
		case 0xc0:
			size = 2
		case 0xd0:
			size = 4
		case 0xe0:
			size = 8
		case 0xf0:
			size = 3
		case 0xfe:
			size = 1
		default:
			if b >= 0xf1 && b <= 0xfd {
				return strconv.AppendInt(nil, int64(b&0x0f)-1, 10), 1, nil
			}
			return nil, 0, fmt.Errorf("%w: bad entry encoding 0x%02x", errZiplist, b)
		}
		if len(p) < 1+size {
			return nil, 0, errZiplist
		}
		var u uint64
		for i := size - 1; i >= 0; i-- {
			u = u<<8 | uint64(p[1+i])
		}
		shift := 64 - 8*size
		return strconv.AppendInt(nil, int64(u<<shift)>>shift, 10), 1 + size, nil
	}
	if n > len(p)-hdr {
		return nil, 0, errZiplist
	}
	return p[hdr : hdr+n : hdr+n], hdr + n, nil
}

// A zipmap (Redis 2.x hashes) is
//
//	<count: 1 byte, 254+ = unknown> (<len> field <len> <free> value <free bytes>)* <0xFF>
//
// where <len> is one byte below 254, else 254 and a uint32 LE.

var errZipmap = errors.New("corrupt zipmap")

func parseZipmap(zm []byte) ([][2][]byte, error) {
	if len(zm) < 2 || zm[len(zm)-1] != 0xff {
		return nil, errZipmap
	}
	var pairs [][2][]byte
	p := zm[1 : len(zm)-1]
	for len(p) > 0 {
		field, rest, err := zmString(p, false)
		if err != nil {
			return nil, err
		}
		value, rest, err := zmString(rest, true)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, [2][]byte{field, value})
		p = rest
	}
	if zm[0] < 254 && int(zm[0]) != len(pairs) {
		return nil, errZipmap
	}
	return pairs, nil
}

// zmString reads one length-prefixed string of a zipmap, and for a value
// the free-space byte and the unused bytes after it.
func zmString(p []byte, value bool) ([]byte, []byte, error) {
	if len(p) == 0 {
		return nil, nil, errZipmap
	}
	n, hdr := int(p[0]), 1
	if p[0] >= 254 {
		if p[0] != 254 || len(p) < 5 {
			return nil, nil, errZipmap
		}
		n, hdr = int(binary.LittleEndian.Uint32(p[1:])), 5
	}
	free := 0
	if value {
		if len(p) <= hdr {
			return nil, nil, errZipmap
		}
		free = int(p[hdr])
		hdr++
	}
	if n < 0 || n > len(p)-hdr || free > len(p)-hdr-n {
		return nil, nil, errZipmap
	}
	return p[hdr : hdr+n : hdr+n], p[hdr+n+free:], nil
}
