// Package hll is Redis 7.0's HyperLogLog, byte for byte (hyperloglog.c):
// the same string value holds the same registers in the same
// representation, so a value written by gocache reads in Redis and back.
//
// A value is a 16-byte header, "HYLL", the encoding (0 dense, 1 sparse),
// three unused bytes and the cached cardinality (8 bytes, little endian;
// the top bit of the last byte set means "stale"), then the registers:
// 16384 registers of 6 bits each, packed from the least significant bit
// of each byte (dense, always 12288 bytes), or run lengths (sparse):
//
//	00xxxxxx           ZERO:  1..64 registers at 0
//	01xxxxxx yyyyyyyy  XZERO: 1..16384 registers at 0
//	1vvvvvxx           VAL:   1..4 registers at 1..32
//
// A new value is sparse; it turns dense when a register needs more than
// 32 or the value would pass hll-sparse-max-bytes.
package hll

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

const (
	// P is the number of hash bits that pick the register.
	P = 14
	// Registers is how many registers a value has (2^P).
	Registers = 1 << P
	// q is how many hash bits remain to count leading zeros in.
	q = 64 - P
	// HeaderSize is the length of the header before the registers.
	HeaderSize = 16
	// DenseSize is the length of a dense value.
	DenseSize = HeaderSize + (Registers*regBits+7)/8
	// DefaultSparseMax is hll-sparse-max-bytes' default.
	DefaultSparseMax = 3000

	regBits = 6
	regMax  = 1<<regBits - 1

	encDense  = 0
	encSparse = 1

	sparseValMaxValue = 32
	sparseValMaxLen   = 4
	sparseZeroMaxLen  = 64
	sparseXZeroMaxLen = 16384

	seed = 0xadc83b19
)

// ErrCorrupt is a sparse value whose runs do not cover exactly the
// registers (Redis's INVALIDOBJ).
var ErrCorrupt = errors.New("corrupted HLL object")

// New returns an empty value: sparse, one XZERO run over every register,
// the cached cardinality 0 (and valid).
func New() []byte {
	b := make([]byte, HeaderSize, HeaderSize+2)
	copy(b, "HYLL")
	b[4] = encSparse
	return appendXZero(b, Registers)
}

// Valid reports whether b is a value Redis accepts as a HyperLogLog
// (isHLLObjectOrReply): the magic, a known encoding, and for dense the
// exact length. A sparse value's runs are checked only when read.
func Valid(b []byte) bool {
	return len(b) >= HeaderSize && string(b[:4]) == "HYLL" && b[4] <= encSparse &&
		(b[4] != encDense || len(b) == DenseSize)
}

// IsDense reports whether a valid value is dense.
func IsDense(b []byte) bool { return b[4] == encDense }

// Cached returns the cached cardinality and whether it is current.
func Cached(b []byte) (uint64, bool) {
	var card uint64
	for i := 7; i >= 0; i-- {
		card = card<<8 | uint64(b[8+i])
	}
	return card, b[15]&0x80 == 0
}

// SetCached stores card as the cached cardinality.
func SetCached(b []byte, card uint64) {
	for i := 0; i < 8; i++ {
		b[8+i] = byte(card >> (8 * i))
	}
}

// invalidate marks the cached cardinality stale.
func invalidate(b []byte) { b[15] |= 0x80 }

// Murmur64A is MurmurHash64A as Redis uses it (reading 8-byte words in
// little-endian order).
func Murmur64A(key []byte, seed uint32) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	h := uint64(seed) ^ uint64(len(key))*m
	for len(key) >= 8 {
		k := uint64(key[0]) | uint64(key[1])<<8 | uint64(key[2])<<16 | uint64(key[3])<<24 |
			uint64(key[4])<<32 | uint64(key[5])<<40 | uint64(key[6])<<48 | uint64(key[7])<<56
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
		key = key[8:]
	}
	if len(key) > 0 {
		for i := len(key) - 1; i >= 0; i-- {
			h ^= uint64(key[i]) << (8 * i)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// patLen is hllPatLen: the register an element falls in, and one more
// than the number of zero bits that follow in its hash (1..q+1).
func patLen(ele []byte) (index int, count uint8) {
	h := Murmur64A(ele, seed)
	index = int(h & (Registers - 1))
	h >>= P
	h |= 1 << q
	count = 1
	for bit := uint64(1); h&bit == 0; bit <<= 1 {
		count++
	}
	return index, count
}

// denseGet reads register i of the dense registers r.
func denseGet(r []byte, i int) uint8 {
	byt, fb := i*regBits/8, uint(i*regBits&7)
	b0, b1 := uint(r[byt]), uint(0)
	if byt+1 < len(r) {
		b1 = uint(r[byt+1])
	}
	return uint8((b0>>fb | b1<<(8-fb)) & regMax)
}

// denseSet writes register i of the dense registers r.
func denseSet(r []byte, i int, v uint8) { denseSetAt(r, i*regBits/8, uint(i*regBits&7), v) }

// denseSetAt writes a register that starts at bit fb of byte byt.
func denseSetAt(r []byte, byt int, fb uint, v uint8) {
	r[byt] = r[byt]&^byte(regMax<<fb) | byte(uint(v)<<fb)
	if byt+1 < len(r) {
		r[byt+1] = r[byt+1]&^byte(regMax>>(8-fb)) | byte(uint(v)>>(8-fb))
	}
}

// denseRaise sets register i to v if it is higher, reporting a change.
func denseRaise(r []byte, i int, v uint8) bool {
	if v > denseGet(r, i) {
		denseSet(r, i, v)
		return true
	}
	return false
}

// Sparse opcodes.
func isZero(c byte) bool  { return c&0xc0 == 0 }
func isXZero(c byte) bool { return c&0xc0 == 0x40 }
func isVal(c byte) bool   { return c&0x80 != 0 }
func zeroLen(c byte) int  { return int(c&0x3f) + 1 }
func valLen(c byte) int   { return int(c&0x3) + 1 }
func valValue(c byte) uint8 {
	return (c>>2)&0x1f + 1
}
func valOp(v uint8, n int) byte { return (v-1)<<2 | byte(n-1) | 0x80 }

// xzeroLen reads the XZERO at b[p]; a second byte past the end reads as
// the 0 that ends every Redis string.
func xzeroLen(b []byte, p int) int {
	lo := 0
	if p+1 < len(b) {
		lo = int(b[p+1])
	}
	return int(b[p]&0x3f)<<8 | lo + 1
}

func appendXZero(b []byte, n int) []byte { return append(b, byte((n-1)>>8)|0x40, byte(n-1)) }

// appendZeros appends the run of n zero registers that hllSparseSet
// writes: ZERO up to 64, XZERO above.
func appendZeros(b []byte, n int) []byte {
	if n > sparseZeroMaxLen {
		return appendXZero(b, n)
	}
	return append(b, byte(n-1))
}

// runs calls fn for each opcode of a sparse value: the first register it
// covers, how many, and their value. It stops early when fn returns
// false, and returns the number of registers covered.
func runs(b []byte, fn func(first, n int, v uint8) bool) int {
	idx := 0
	for p := HeaderSize; p < len(b); {
		var n int
		var v uint8
		switch c := b[p]; {
		case isZero(c):
			n = zeroLen(c)
			p++
		case isXZero(c):
			n = xzeroLen(b, p)
			p += 2
		default:
			n, v = valLen(c), valValue(c)
			p++
		}
		if !fn(idx, n, v) {
			return idx
		}
		idx += n
	}
	return idx
}

// ToDense converts a sparse value to dense (hllSparseToDense), keeping
// the header but for the encoding. A dense value comes back as it is.
func ToDense(b []byte) ([]byte, error) {
	if IsDense(b) {
		return b, nil
	}
	d := make([]byte, DenseSize)
	copy(d, b[:HeaderSize])
	d[4] = encDense
	r := d[HeaderSize:]
	end := runs(b, func(first, n int, v uint8) bool {
		if v == 0 {
			return true
		}
		if first+n > Registers {
			return false
		}
		for i := first; i < first+n; i++ {
			denseSet(r, i, v)
		}
		return true
	})
	if end != Registers {
		return nil, ErrCorrupt
	}
	return d, nil
}

// Add adds ele (hllAdd): the value, perhaps grown or turned dense, and
// whether a register changed. sparseMax is hll-sparse-max-bytes.
func Add(b, ele []byte, sparseMax int) ([]byte, bool, error) {
	index, count := patLen(ele)
	return set(b, index, count, sparseMax)
}

// set raises register index to count if it is lower.
func set(b []byte, index int, count uint8, sparseMax int) ([]byte, bool, error) {
	if IsDense(b) {
		return b, denseRaise(b[HeaderSize:], index, count), nil
	}
	return sparseSet(b, index, count, sparseMax)
}

// sparseSet is hllSparseSet: find the opcode that covers the register,
// split it to give the register its own VAL, then merge equal VALs next
// to it, in the same steps as Redis so the bytes come out the same.
func sparseSet(b []byte, index int, count uint8, sparseMax int) ([]byte, bool, error) {
	if count > sparseValMaxValue {
		return promote(b, index, count)
	}
	// Step 1: the opcode at p covers registers first..first+span-1.
	p, end := HeaderSize, len(b)
	first, span, prev := 0, 0, -1
	for p < end {
		oplen := 1
		switch c := b[p]; {
		case isZero(c):
			span = zeroLen(c)
		case isVal(c):
			span = valLen(c)
		default:
			span = xzeroLen(b, p)
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = p
		p += oplen
		first += span
	}
	if span == 0 || p >= end {
		return b, false, ErrCorrupt
	}
	c := b[p]
	zero, xzero := isZero(c), isXZero(c)
	var runlen int
	switch {
	case zero:
		runlen = zeroLen(c)
	case xzero:
		runlen = xzeroLen(b, p)
	default:
		runlen = valLen(c)
	}

	// Step 2: the cases that change one byte in place, then the split.
	switch {
	case !zero && !xzero && valValue(c) >= count:
		return b, false, nil
	case (!zero && !xzero && runlen == 1) || (zero && runlen == 1):
		b[p] = valOp(count, 1)
	default:
		last := first + span - 1
		seq := make([]byte, 0, 5)
		if zero || xzero {
			if index != first {
				seq = appendZeros(seq, index-first)
			}
			seq = append(seq, valOp(count, 1))
			if index != last {
				seq = appendZeros(seq, last-index)
			}
		} else {
			cur := valValue(c)
			if index != first {
				seq = append(seq, valOp(cur, index-first))
			}
			seq = append(seq, valOp(count, 1))
			if index != last {
				seq = append(seq, valOp(cur, last-index))
			}
		}
		// Step 3: put the new opcodes in place of the old one.
		oldlen := 1
		if xzero {
			oldlen = 2
		}
		delta := len(seq) - oldlen
		if delta > 0 && len(b)+delta > sparseMax {
			return promote(b, index, count)
		}
		n := len(b)
		tail := min(p+oldlen, n) // an XZERO cut short by the end has no second byte
		need := p + len(seq) + n - tail
		if need > n {
			b = append(b, make([]byte, need-n)...)
		}
		copy(b[p+len(seq):], b[tail:n])
		copy(b[p:], seq)
		b = b[:min(need, n+delta)] // the length Redis gives it, even then
	}

	// Step 4: merge equal VALs, up to five opcodes from the one before.
	if prev < 0 {
		p = HeaderSize
	} else {
		p = prev
	}
	for scan := 5; p < len(b) && scan > 0; scan-- {
		switch c := b[p]; {
		case isXZero(c):
			p += 2
			continue
		case isZero(c):
			p++
			continue
		}
		if p+1 < len(b) && isVal(b[p+1]) {
			v1, v2 := valValue(b[p]), valValue(b[p+1])
			if n := valLen(b[p]) + valLen(b[p+1]); v1 == v2 && n <= sparseValMaxLen {
				b[p+1] = valOp(v1, n)
				b = append(b[:p], b[p+1:]...)
				continue // and try the merged one with the next
			}
		}
		p++
	}
	invalidate(b)
	return b, true, nil
}

// promote turns a sparse value dense to set a register it cannot hold.
func promote(b []byte, index int, count uint8) ([]byte, bool, error) {
	d, err := ToDense(b)
	if err != nil {
		return b, false, err
	}
	denseRaise(d[HeaderSize:], index, count)
	return d, true, nil
}

// Merge raises each of max to the value's register if that is higher
// (hllMerge). A sparse value whose runs overflow or fall short of the
// registers is ErrCorrupt.
func Merge(max *[Registers]uint8, b []byte) error {
	if IsDense(b) {
		r := b[HeaderSize:]
		for i := range max {
			if v := denseGet(r, i); v > max[i] {
				max[i] = v
			}
		}
		return nil
	}
	overflow := false
	end := runs(b, func(first, n int, v uint8) bool {
		if v == 0 {
			return true
		}
		if first+n > Registers {
			overflow = true
			return false
		}
		for i := first; i < first+n; i++ {
			if v > max[i] {
				max[i] = v
			}
		}
		return true
	})
	if overflow || end != Registers {
		return ErrCorrupt
	}
	return nil
}

// SetRegisters raises the value's registers to max (PFMERGE's write into
// its destination), sparse while it fits, and marks the cache stale.
func SetRegisters(b []byte, max *[Registers]uint8, sparseMax int) ([]byte, error) {
	for i, v := range max {
		if v == 0 {
			continue
		}
		var err error
		if b, _, err = set(b, i, v, sparseMax); err != nil {
			return b, err
		}
	}
	invalidate(b)
	return b, nil
}

// Invalidate marks the cached cardinality of b stale.
func Invalidate(b []byte) { invalidate(b) }

// DenseRegisters returns every register of a dense value.
func DenseRegisters(b []byte) []uint8 {
	out := make([]uint8, Registers)
	for i := range out {
		out[i] = denseGet(b[HeaderSize:], i)
	}
	return out
}

// Count is the estimated cardinality of a value (hllCount), from its
// registers' histogram with Ertl's estimator ("New cardinality estimation
// algorithms for HyperLogLog sketches", 2017), as Redis 7 computes it.
func Count(b []byte) (uint64, error) {
	var histo [64]int
	if IsDense(b) {
		r := b[HeaderSize:]
		for i := 0; i < Registers; i++ {
			histo[denseGet(r, i)]++
		}
	} else {
		end := runs(b, func(_, n int, v uint8) bool {
			histo[v] += n
			return true
		})
		if end != Registers {
			return 0, ErrCorrupt
		}
	}
	return estimate(&histo), nil
}

// CountRegisters is Count for registers held one per byte (PFCOUNT of
// several keys).
func CountRegisters(max *[Registers]uint8) uint64 {
	var histo [64]int
	for _, v := range max {
		histo[v&63]++
	}
	return estimate(&histo)
}

// estimate is the estimator's arithmetic in the same order as Redis's C,
// every product rounded on its own (no fused multiply-add), so the
// result is the same integer.
func estimate(histo *[64]int) uint64 {
	const m = float64(Registers)
	const alphaInf = 0.721347520444481703680 // 1/(2 ln 2)
	z := float64(m * tau(float64(m-float64(histo[q+1]))/m))
	for j := q; j >= 1; j-- {
		z += float64(histo[j])
		z *= 0.5
	}
	z += float64(m * sigma(float64(histo[0])/m))
	return uint64(math.Round(float64(float64(alphaInf*m)*m) / z))
}

func tau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		d := 1 - x
		z -= float64(float64(d*d) * y)
		if prev == z {
			return z / 3
		}
	}
}

func sigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x = float64(x * x)
		prev := z
		z += float64(x * y)
		y += y
		if prev == z {
			return z
		}
	}
}

// Decode lists a sparse value's opcodes as PFDEBUG DECODE does:
// "z:<len>" for ZERO, "Z:<len>" for XZERO, "v:<value>,<len>" for VAL.
func Decode(b []byte) string {
	var out []byte
	for p := HeaderSize; p < len(b); {
		switch c := b[p]; {
		case isZero(c):
			out = fmt.Appendf(out, "z:%d ", zeroLen(c))
			p++
		case isXZero(c):
			out = fmt.Appendf(out, "Z:%d ", xzeroLen(b, p))
			p += 2
		default:
			out = fmt.Appendf(out, "v:%d,%d ", valValue(c), valLen(c))
			p++
		}
	}
	return strings.TrimRight(string(out), " ")
}

// DenseAdd is Add for a dense value that leaves b alone: when ele raises
// a register it returns the bytes to write at offset off instead (one or
// two), so a caller can patch its copy of the value in place.
func DenseAdd(b, ele []byte) (off int, patch []byte, changed bool) {
	index, count := patLen(ele)
	r := b[HeaderSize:]
	if count <= denseGet(r, index) {
		return 0, nil, false
	}
	byt := index * regBits / 8
	end := min(byt+2, len(r))
	patch = append([]byte(nil), r[byt:end]...)
	denseSetAt(patch, 0, uint(index*regBits&7), count)
	return HeaderSize + byt, patch, true
}
