package rdb

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
)

// An intset (intset.c) is a sorted array of distinct integers, all stored
// in the smallest width that holds the largest of them:
//
//	<width: uint32 LE, 2, 4 or 8> <count: uint32 LE> <count values LE>

// buildIntset returns the intset holding vals, which must be distinct.
func buildIntset(vals []int64) []byte {
	slices.Sort(vals)
	width := 2
	for _, v := range vals {
		switch {
		case v < -2147483648 || v > 2147483647:
			width = 8
		case (v < -32768 || v > 32767) && width < 4:
			width = 4
		}
	}
	b := make([]byte, 8, 8+width*len(vals))
	binary.LittleEndian.PutUint32(b, uint32(width))
	binary.LittleEndian.PutUint32(b[4:], uint32(len(vals)))
	for _, v := range vals {
		switch width {
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	return b
}

var errIntset = errors.New("corrupt intset")

// parseIntset returns the members of an intset in decimal, checking that
// the sizes agree and the values ascend strictly.
func parseIntset(b []byte) ([][]byte, error) {
	if len(b) < 8 {
		return nil, errIntset
	}
	width := int(binary.LittleEndian.Uint32(b))
	count := uint64(binary.LittleEndian.Uint32(b[4:]))
	if width != 2 && width != 4 && width != 8 || uint64(len(b)-8) != count*uint64(width) {
		return nil, errIntset
	}
	out := make([][]byte, 0, count)
	var prev int64
	for i := range int(count) {
		p := b[8+i*width:]
		var v int64
		switch width {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(p)))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(p)))
		default:
			v = int64(binary.LittleEndian.Uint64(p))
		}
		if i > 0 && v <= prev {
			return nil, errIntset
		}
		prev = v
		out = append(out, strconv.AppendInt(nil, v, 10))
	}
	return out, nil
}
