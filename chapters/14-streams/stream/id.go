package stream

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/06-lists/cmdarg"
)

// ID is a stream entry ID: milliseconds and a sequence number, ordered
// as the 128-bit number ms<<64 | seq.
type ID struct {
	Ms, Seq uint64
}

// MaxID is the largest ID, "+" and the ">" of XREADGROUP.
var MaxID = ID{math.MaxUint64, math.MaxUint64}

// Compare returns -1, 0 or 1 as a is before, equal to or after b.
func (a ID) Compare(b ID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports whether a is before b.
func (a ID) Less(b ID) bool { return a.Compare(b) < 0 }

// IsZero reports whether a is 0-0.
func (a ID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// Next is streamIncrID: the ID right after a; ok is false for MaxID,
// which has none.
func (a ID) Next() (ID, bool) {
	switch {
	case a.Seq != math.MaxUint64:
		return ID{a.Ms, a.Seq + 1}, true
	case a.Ms != math.MaxUint64:
		return ID{a.Ms + 1, 0}, true
	}
	return ID{}, false
}

// Prev is streamDecrID: the ID right before a; ok is false for 0-0.
func (a ID) Prev() (ID, bool) {
	switch {
	case a.Seq != 0:
		return ID{a.Ms, a.Seq - 1}, true
	case a.Ms != 0:
		return ID{a.Ms - 1, math.MaxUint64}, true
	}
	return ID{}, false
}

// String is the reply form, "<ms>-<seq>".
func (a ID) String() string { return string(a.Append(nil)) }

// Append appends the reply form of a to dst.
func (a ID) Append(dst []byte) []byte {
	dst = strconv.AppendUint(dst, a.Ms, 10)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, a.Seq, 10)
}

// Key is streamEncodeID: a as 16 big-endian bytes, so that the byte
// order of keys in the radix tree is the order of the IDs.
func (a ID) Key() [16]byte {
	var k [16]byte
	binary.BigEndian.PutUint64(k[:8], a.Ms)
	binary.BigEndian.PutUint64(k[8:], a.Seq)
	return k
}

// IDFromKey is streamDecodeID, the inverse of Key.
func IDFromKey(k []byte) ID {
	return ID{binary.BigEndian.Uint64(k[:8]), binary.BigEndian.Uint64(k[8:16])}
}

// ErrInvalidID is the reply to an argument that is not a stream ID.
const ErrInvalidID = "ERR Invalid stream ID specified as stream command argument"

// ParseID is streamGenericParseIDOrReply: "-" (0-0), "+" (MaxID), "<ms>"
// (the sequence is missingSeq) or "<ms>-<seq>". Strict refuses "-" and
// "+" (where an exact ID is needed). With autoSeq, "<ms>-*" is accepted
// and seqGiven is false for it (XADD).
func ParseID(b []byte, missingSeq uint64, strict, autoSeq bool) (id ID, seqGiven, ok bool) {
	if len(b) > 127 {
		return ID{}, false, false
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i] // C string functions stop at NUL
	}
	if len(b) == 1 && (b[0] == '-' || b[0] == '+') {
		if strict {
			return ID{}, false, false
		}
		if b[0] == '-' {
			return ID{}, true, true
		}
		return MaxID, true, true
	}
	msPart, seqPart, dash := bytes.Cut(b, []byte("-"))
	ms, ok := parseUint(msPart)
	if !ok {
		return ID{}, false, false
	}
	if !dash {
		return ID{ms, missingSeq}, true, true
	}
	if autoSeq && len(seqPart) == 1 && seqPart[0] == '*' {
		return ID{ms, 0}, false, true
	}
	seq, ok := parseUint(seqPart)
	if !ok {
		return ID{}, false, false
	}
	return ID{ms, seq}, true, true
}

// parseUint is Redis's string2ull: string2ll when it reads the number
// (refusing negatives), otherwise strtoull over the whole string, which
// skips leading spaces, takes a sign, and wraps a negative around.
func parseUint(b []byte) (uint64, bool) {
	if v, ok := resp.ParseInt(b); ok {
		return uint64(v), v >= 0
	}
	i := 0
	for i < len(b) && cmdarg.IsSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if i == len(b) {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}
