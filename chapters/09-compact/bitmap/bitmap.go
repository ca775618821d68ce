// Package bitmap holds the bit operations Redis 7.0 runs on strings
// (bitops.c): counting and finding bits, the bitwise operations of
// BITOP, and BITFIELD's integers of 1 to 64 bits at any bit offset with
// their overflow rules. Bits are numbered from the most significant bit
// of the first byte, as SETBIT numbers them.
package bitmap

import "math/bits"

// Count is the number of set bits in b (redisPopcount).
func Count(b []byte) int64 {
	n := 0
	for len(b) >= 8 {
		n += bits.OnesCount64(uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
			uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7]))
		b = b[8:]
	}
	for _, c := range b {
		n += bits.OnesCount8(c)
	}
	return int64(n)
}

// Pos is the position of the first bit equal to bit (0 or 1) in b
// (redisBitpos). When there is none, looking for a 1 gives -1 and
// looking for a 0 gives len(b)*8: the string reads as padded with
// zeros on the right.
func Pos(b []byte, bit int) int64 {
	skip := byte(0)
	if bit == 0 {
		skip = 0xff
	}
	for i, c := range b {
		if c == skip {
			continue
		}
		if bit == 0 {
			c = ^c
		}
		return int64(i)*8 + int64(bits.LeadingZeros8(c))
	}
	if bit == 1 {
		return -1
	}
	return int64(len(b)) * 8
}

// Op is a BITOP operation.
type Op int

// The operations of BITOP.
const (
	And Op = iota
	Or
	Xor
	Not
)

// Apply computes op over srcs as BITOP does: the result is as long as
// the longest source, a shorter source counting as padded with zero
// bytes; Not takes exactly one source.
func Apply(op Op, srcs [][]byte) []byte {
	n := 0
	for _, s := range srcs {
		n = max(n, len(s))
	}
	out := make([]byte, n)
	if op == Not {
		for i, c := range srcs[0] {
			out[i] = ^c
		}
		return out
	}
	copy(out, srcs[0])
	if op == And && len(srcs[0]) < n {
		clear(out[len(srcs[0]):])
	}
	for _, s := range srcs[1:] {
		switch op {
		case And:
			for i := range out {
				if i < len(s) {
					out[i] &= s[i]
				} else {
					out[i] = 0
				}
			}
		case Or:
			for i, c := range s {
				out[i] |= c
			}
		case Xor:
			for i, c := range s {
				out[i] ^= c
			}
		}
	}
	return out
}

// Get reads the unsigned integer of width bits (1..64) that starts at
// bit offset off of p. p must hold every bit read.
func Get(p []byte, off uint64, width int) uint64 {
	var v uint64
	for j := 0; j < width; j++ {
		v = v<<1 | uint64(p[off>>3]>>(7-off&7)&1)
		off++
	}
	return v
}

// GetSigned reads a two's complement integer of width bits.
func GetSigned(p []byte, off uint64, width int) int64 {
	v := int64(Get(p, off, width))
	if width < 64 && v&(1<<(width-1)) != 0 {
		v |= -1 << width
	}
	return v
}

// Set writes the low width bits of v at bit offset off of p.
func Set(p []byte, off uint64, width int, v uint64) {
	for j := 0; j < width; j++ {
		bit := byte(v>>(width-1-j)) & 1
		shift := 7 - off&7
		p[off>>3] = p[off>>3]&^(1<<shift) | bit<<shift
		off++
	}
}

// Overflow is what BITFIELD does when an integer leaves its range.
type Overflow int

// The overflow rules of BITFIELD's OVERFLOW.
const (
	Wrap Overflow = iota // modulo 2^bits (towards the most negative value for signed)
	Sat                  // clamp to the minimum or maximum
	Fail                 // do nothing and reply nil
)

// AddUnsigned adds incr to value, an unsigned integer of width bits
// (1..63), with the overflow rule ow (checkUnsignedBitfieldOverflow):
// the result and whether it overflowed. A value already out of range
// (SET of a too large number) counts as an overflow.
func AddUnsigned(value uint64, incr int64, width int, ow Overflow) (uint64, bool) {
	maxv := uint64(1)<<width - 1
	maxincr := int64(maxv - value)
	minincr := -int64(value)
	switch {
	case value > maxv || (incr > 0 && incr > maxincr):
		if ow == Sat {
			return maxv, true
		}
	case incr < 0 && incr < minincr:
		if ow == Sat {
			return 0, true
		}
	default:
		return value + uint64(incr), false
	}
	return (value + uint64(incr)) & maxv, true
}

// AddSigned is AddUnsigned for a signed integer of width bits (1..64)
// (checkSignedBitfieldOverflow).
func AddSigned(value, incr int64, width int, ow Overflow) (int64, bool) {
	maxv := int64(1)<<(width-1) - 1
	if width == 64 {
		maxv = 1<<63 - 1
	}
	minv := -maxv - 1
	maxincr := int64(uint64(maxv) - uint64(value))
	minincr := minv - value
	switch {
	case value > maxv || (width != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr):
		if ow == Sat {
			return maxv, true
		}
	case value < minv || (width != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr):
		if ow == Sat {
			return minv, true
		}
	default:
		return value + incr, false
	}
	c := uint64(value) + uint64(incr)
	if width < 64 {
		if c&(1<<(width-1)) != 0 {
			c |= ^uint64(0) << width
		} else {
			c &^= ^uint64(0) << width
		}
	}
	return int64(c), true
}
