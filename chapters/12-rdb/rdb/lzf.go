package rdb

import (
	"errors"
	"math"
	"sync"
)

// LZF (Marc Lehmann's liblzf, lzf_c.c and lzf_d.c in Redis) is a byte
// stream of two kinds of instructions:
//
//	000LLLLL <L+1 bytes>          copy L+1 literal bytes
//	LLLooooo oooooooo             copy L+2 bytes from o+1 bytes back (L < 7)
//	111ooooo LLLLLLLL oooooooo    copy L+9 bytes from o+1 bytes back
//
// The compressor below is lzf_c.c as Redis builds it (HLOG 16,
// VERY_FAST), step for step. One difference is deliberate: Redis leaves
// the compressor's hash table uninitialised on the stack, so a leftover
// entry can sometimes offer it a match that a fresh table would not, and
// redis-server may write a compressed string a few bytes shorter (equally
// valid) than this package does. Starting from an empty table makes the
// output depend on the input alone.

const (
	lzfHashLog = 16
	lzfMaxLit  = 1 << 5
	lzfMaxOff  = 1 << 13
	lzfMaxRef  = 1<<8 + 1<<3
	// lzfMaxRatio bounds how much one compressed byte can expand: a
	// 3-byte back reference copies at most 264 bytes.
	lzfMaxRatio = 88
)

func lzfIndex(h uint32) uint32 {
	return ((h >> (3*8 - lzfHashLog)) - h*5) & (1<<lzfHashLog - 1)
}

// lzfTable is the compressor's hash table, kept between calls because
// clearing 256 KiB for every short string would cost more than the
// compression. Slots hold base+position+1 of the last 3 bytes with that
// hash; anything below base was left by an earlier call and counts as
// empty, so each call sees a fresh table.
type lzfTable struct {
	slots [1 << lzfHashLog]uint32
	base  uint32
}

var lzfTables = sync.Pool{New: func() any { return new(lzfTable) }}

// lzfCompress compresses in into at most maxOut bytes, returning nil when
// the output would not fit (Redis then stores the string uncompressed).
func lzfCompress(in []byte, maxOut int) []byte { return lzfCompressBuf(nil, in, maxOut) }

// lzfCompressBuf is lzfCompress writing into buf's storage when it is
// large enough: an Encoder reuses one buffer for every string, so that
// saving a million strings does not allocate a million outputs.
func lzfCompressBuf(buf, in []byte, maxOut int) []byte {
	if len(in) == 0 || maxOut <= 0 || len(in) >= math.MaxUint32/2 {
		return nil // lzf's lengths are 32-bit
	}
	t := lzfTables.Get().(*lzfTable)
	defer lzfTables.Put(t)
	if uint64(t.base)+uint64(len(in))+1 > math.MaxUint32 {
		*t = lzfTable{}
	}
	base := t.base
	t.base += uint32(len(in)) + 1
	htab := &t.slots
	lookup := func(slot *uint32) int { // the position stored in slot, or -1
		if *slot <= base {
			return -1
		}
		return int(*slot - base - 1)
	}
	out := buf[:0]
	if cap(out) < maxOut {
		out = make([]byte, 0, maxOut)
	}
	out = append(out, 0)
	lit := 0 // literal bytes in the open run; its header is at len(out)-lit-1
	ip := 0
	end := len(in)
	hval := uint32(in[0])<<8 | uint32(in[1%end])
	for ip < end-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := &htab[lzfIndex(hval)]
		ref := lookup(slot)
		*slot = base + uint32(ip) + 1
		if off := ip - ref - 1; ref > 0 && off >= 0 && off < lzfMaxOff && ip+4 < end &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			maxLen := min(end-ip-2, lzfMaxRef)
			out[len(out)-lit-1] = byte(lit - 1) // close the literal run
			if lit == 0 {
				out = out[:len(out)-1]
			}
			if len(out)+3+1 >= maxOut {
				return nil
			}
			length := lzfMatchLen(in, ref, ip, maxLen)
			length -= 2 // now the number of bytes minus one
			ip++
			if length < 7 {
				out = append(out, byte(off>>8)+byte(length<<5))
			} else {
				out = append(out, byte(off>>8)+7<<5, byte(length-7))
			}
			out = append(out, byte(off), 0) // the 0 opens the next run
			lit = 0
			ip += length + 1
			if ip >= end-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIndex(hval)] = base + uint32(ip) + 1
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIndex(hval)] = base + uint32(ip) + 1
			ip++
			continue
		}
		if len(out) >= maxOut {
			return nil
		}
		lit++
		out = append(out, in[ip])
		ip++
		if lit == lzfMaxLit {
			out[len(out)-lit-1] = byte(lit - 1)
			lit = 0
			out = append(out, 0)
		}
	}
	if len(out)+3 > maxOut {
		return nil
	}
	for ip < end {
		lit++
		out = append(out, in[ip])
		ip++
		if lit == lzfMaxLit {
			out[len(out)-lit-1] = byte(lit - 1)
			lit = 0
			out = append(out, 0)
		}
	}
	out[len(out)-lit-1] = byte(lit - 1)
	if lit == 0 {
		out = out[:len(out)-1]
	}
	if len(out) > maxOut {
		return nil
	}
	return out
}

// lzfMatchLen counts the bytes that match at ref and ip, the first three
// already known equal. It reproduces lzf_c.c's loop, whose unrolled first
// sixteen steps do not stop at maxLen, so that the lengths agree exactly.
func lzfMatchLen(in []byte, ref, ip, maxLen int) int {
	n := 2
	if maxLen > 16 {
		for range 16 {
			n++
			if in[ref+n] != in[ip+n] {
				return n
			}
		}
	}
	for {
		n++
		if n >= maxLen || in[ref+n] != in[ip+n] {
			return n
		}
	}
}

var errLZF = errors.New("invalid LZF compressed string")

// lzfDecompress expands in, which must produce exactly n bytes.
func lzfDecompress(in []byte, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for ip := 0; ip < len(in); {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 { // literal run
			ctrl++
			if ip+ctrl > len(in) || len(out)+ctrl > n {
				return nil, errLZF
			}
			out = append(out, in[ip:ip+ctrl]...)
			ip += ctrl
			continue
		}
		length := ctrl >> 5
		if length == 7 {
			if ip >= len(in) {
				return nil, errLZF
			}
			length += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, errLZF
		}
		ref := len(out) - (ctrl&0x1f)<<8 - int(in[ip]) - 1
		ip++
		length += 2
		if ref < 0 || len(out)+length > n {
			return nil, errLZF
		}
		for i := 0; i < length; i++ { // byte by byte: the copy may overlap itself
			out = append(out, out[ref+i])
		}
	}
	if len(out) != n {
		return nil, errLZF
	}
	return out, nil
}
