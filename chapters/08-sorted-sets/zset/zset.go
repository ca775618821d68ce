// Package zset is the Redis sorted set: members with float scores, kept
// ordered by (score, member). Small sets are a listpack of member/score
// pairs in order (zset-max-listpack-entries 128, zset-max-listpack-value
// 64); bigger ones are Redis's skiplist (level probability 0.25, at most
// 32 levels, spans for ranks) plus a dict from member to node.
package zset

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"unsafe"

	"github.com/gocache/gocache/chapters/03-cache/dict"
	"github.com/gocache/gocache/chapters/06-lists/listpack"
)

// Encodings as OBJECT ENCODING reports them.
const (
	EncListpack = "listpack"
	EncSkiplist = "skiplist"
)

// Limits are the listpack thresholds.
type Limits struct {
	Entries int // zset-max-listpack-entries
	Value   int // zset-max-listpack-value
}

// DefaultLimits are Redis 7.0's defaults.
var DefaultLimits = Limits{Entries: 128, Value: 64}

// ZSet is a sorted set. Use New; byte slices it returns alias its
// storage and are valid until the next change.
type ZSet struct {
	lp  listpack.Pack // member, score (see encScore), ... in order; while zsl is nil
	zsl *skiplist
	d   *dict.Dict[*node]
}

// New returns an empty sorted set about to receive a first member of
// length firstLen, encoded as Redis's ZADD picks: a skiplist when the
// listpack limits are 0 entries or shorter than the member.
func New(firstLen int, lim Limits) *ZSet {
	z := &ZSet{}
	if lim.Entries == 0 || firstLen > lim.Value {
		z.zsl, z.d = newSkiplist(), &dict.Dict[*node]{}
	}
	return z
}

// NewSkiplist returns an empty set in the skiplist encoding (ZUNIONSTORE
// and friends build their result this way, then call Shrink).
func NewSkiplist() *ZSet {
	return &ZSet{zsl: newSkiplist(), d: &dict.Dict[*node]{}}
}

// Encoding is "listpack" or "skiplist".
func (z *ZSet) Encoding() string {
	if z.zsl != nil {
		return EncSkiplist
	}
	return EncListpack
}

// Len is the number of members.
func (z *ZSet) Len() int {
	if z.zsl != nil {
		return z.zsl.length
	}
	return z.lp.Len() / 2
}

func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// maxSmallScore bounds the scores stored as integers: with zigzag, a
// magnitude below 2^48 fits a uvarint of at most 7 bytes, shorter than
// the 8 bytes that mean a double.
const maxSmallScore = 1 << 48

// encScore is a score as the listpack keeps it: an integral score of
// small magnitude as a zigzag uvarint (1 byte for -64..63, 2 up to
// 8191), as Redis's listpack stores an integer score as an integer, and
// any other score as the 8 bytes of its IEEE bits. The length tells the
// two apart.
func encScore(f float64) []byte {
	if f == math.Trunc(f) && f > -maxSmallScore && f < maxSmallScore {
		var b [binary.MaxVarintLen64]byte
		return b[:binary.PutVarint(b[:], int64(f))]
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(f))
	return b[:]
}

func decScore(b []byte) float64 {
	if len(b) == 8 {
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	n, _ := binary.Varint(b)
	return float64(n)
}

// lpAt reads the pair at offset o: member, score, offset of the next pair.
func (z *ZSet) lpAt(o int) (m []byte, score float64, next int) {
	m, o = z.lp.Get(o)
	s, next := z.lp.Get(o)
	return m, decScore(s), next
}

// lpFind returns the offset of member m's pair, or -1.
func (z *ZSet) lpFind(m []byte) int { return z.lp.Find(0, m, 1) }

// lpInsert puts (m, score) at its place in order (zzlInsert).
func (z *ZSet) lpInsert(m []byte, score float64) {
	if score == 0 {
		score = 0 // Redis's listpack stores -0 as the integer 0
	}
	o := 0
	for o < z.lp.End() {
		cm, cs, next := z.lpAt(o)
		if less(score, str(m), cs, str(cm)) {
			break
		}
		o = next
	}
	z.lp.Insert(o, m, encScore(score))
}

// Score returns m's score.
func (z *ZSet) Score(m []byte) (float64, bool) {
	if z.zsl != nil {
		if p := z.d.Get(m); p != nil {
			return (*p).score, true
		}
		return 0, false
	}
	o := z.lpFind(m)
	if o < 0 {
		return 0, false
	}
	_, s, _ := z.lpAt(o)
	return s, true
}

// AddFlags are ZADD's options.
type AddFlags struct {
	NX, XX, GT, LT, Incr bool
}

// Result says what Add did.
type Result int

const (
	Nop     Result = iota // nothing changed (NX on a member, XX on a non-member, GT/LT refused)
	Added                 // a new member
	Updated               // an existing member got a new score
	Same                  // an existing member kept its score (counts as neither)
	NaN                   // the resulting score would be NaN: error, nothing changed
)

// Add is Redis's zsetAdd: it adds or updates m (copied) with score (or
// score added to the current one with Incr) under the NX/XX/GT/LT rules
// and returns what happened and the member's score afterwards. A
// listpack set converts to a skiplist before it would hold more than
// lim.Entries members or a member longer than lim.Value.
func (z *ZSet) Add(m []byte, score float64, f AddFlags, lim Limits) (Result, float64) {
	if math.IsNaN(score) {
		return NaN, 0
	}
	cur, exists := z.Score(m)
	if exists {
		if f.NX {
			return Nop, cur
		}
		if f.Incr {
			score += cur
			if math.IsNaN(score) {
				return NaN, 0
			}
		}
		if (f.LT && score >= cur) || (f.GT && score <= cur) {
			return Nop, cur
		}
		if score == cur {
			return Same, score
		}
		z.setScore(m, score)
		return Updated, score
	}
	if f.XX {
		return Nop, 0
	}
	if z.zsl == nil && (z.Len()+1 > lim.Entries || len(m) > lim.Value) {
		z.convert()
	}
	z.insert(m, score)
	return Added, score
}

// setScore changes an existing member's score.
func (z *ZSet) setScore(m []byte, score float64) {
	if z.zsl != nil {
		p := z.d.Get(m)
		*p = z.zsl.updateScore(*p, score)
		return
	}
	z.lp.Delete(z.lpFind(m), 2)
	z.lpInsert(m, score)
}

// insert adds an absent member.
func (z *ZSet) insert(m []byte, score float64) {
	if z.zsl != nil {
		ele := string(m)
		z.d.SetString(ele, z.zsl.insert(score, ele))
		return
	}
	z.lpInsert(m, score)
}

// convert moves a listpack set into a skiplist and dict.
func (z *ZSet) convert() {
	zsl, d := newSkiplist(), &dict.Dict[*node]{}
	for o := 0; o < z.lp.End(); {
		m, s, next := z.lpAt(o)
		ele := string(m)
		d.SetString(ele, zsl.insert(s, ele))
		o = next
	}
	z.zsl, z.d = zsl, d
	z.lp.Reset()
}

// Shrink converts a skiplist set back to a listpack when it fits the
// limits (zsetConvertToListpackIfNeeded, used for the results of the
// *STORE commands).
func (z *ZSet) Shrink(lim Limits) {
	if z.zsl == nil || z.zsl.length > lim.Entries {
		return
	}
	for x := z.zsl.header.level()[0].forward; x != nil; x = x.level()[0].forward {
		if len(x.ele) > lim.Value {
			return
		}
	}
	var lp listpack.Pack
	for x := z.zsl.header.level()[0].forward; x != nil; x = x.level()[0].forward {
		s := x.score
		if s == 0 {
			s = 0 // -0 becomes 0 in a listpack, as lpInsert does
		}
		lp.Insert(lp.End(), bytesOf(x.ele), encScore(s))
	}
	*z = ZSet{lp: lp}
}

// Remove deletes m and reports whether it was a member.
func (z *ZSet) Remove(m []byte) bool {
	if z.zsl != nil {
		x, ok := z.d.Delete(m)
		if ok {
			z.zsl.delete(x.score, x.ele)
		}
		return ok
	}
	o := z.lpFind(m)
	if o < 0 {
		return false
	}
	z.lp.Delete(o, 2)
	return true
}

// Rank returns m's 0-based rank, from the highest score when rev.
func (z *ZSet) Rank(m []byte, rev bool) (int, bool) {
	var r int
	if z.zsl != nil {
		p := z.d.Get(m)
		if p == nil {
			return 0, false
		}
		r = z.zsl.rank((*p).score, (*p).ele) - 1
	} else {
		o := z.lpFind(m)
		if o < 0 {
			return 0, false
		}
		for x := 0; x < o; r++ {
			_, _, x = z.lpAt(x)
		}
	}
	if rev {
		r = z.Len() - 1 - r
	}
	return r, true
}

// Visit is called for members in a walk; returning false stops it. The
// member slice is valid during the call only.
type Visit func(m []byte, score float64) bool

// RangeByRank visits ranks start..stop (0-based, inclusive, already
// clamped to the set), in descending order when rev.
func (z *ZSet) RangeByRank(start, stop int, rev bool, fn Visit) {
	if start > stop || start >= z.Len() {
		return
	}
	n := stop - start + 1
	if z.zsl != nil {
		var x *node
		if rev {
			x = z.zsl.byRank(z.zsl.length - start)
		} else {
			x = z.zsl.byRank(start + 1)
		}
		for ; x != nil && n > 0; n-- {
			if !fn(bytesOf(x.ele), x.score) {
				return
			}
			if rev {
				x = x.backward
			} else {
				x = x.level()[0].forward
			}
		}
		return
	}
	if rev {
		o := z.lp.Seek(-2 * (start + 1))
		for ; o >= 0 && n > 0; n-- {
			m, s, _ := z.lpAt(o)
			if !fn(m, s) {
				return
			}
			o = z.prevPair(o)
		}
		return
	}
	for o := z.lp.Seek(2 * start); o < z.lp.End() && n > 0; n-- {
		m, s, next := z.lpAt(o)
		if !fn(m, s) {
			return
		}
		o = next
	}
}

// bound describes a range for the generic walks below: whether a
// member is above the lower bound and below the upper one.
type bound struct {
	gteMin func(m string, s float64) bool
	lteMax func(m string, s float64) bool
}

func scoreBound(r ScoreRange) bound {
	return bound{
		gteMin: func(_ string, s float64) bool { return r.GteMin(s) },
		lteMax: func(_ string, s float64) bool { return r.LteMax(s) },
	}
}

func lexBound(r LexRange) bound {
	return bound{
		gteMin: func(m string, _ float64) bool { return r.GteMin(m) },
		lteMax: func(m string, _ float64) bool { return r.LteMax(m) },
	}
}

// RangeByScore visits members with scores in r, ascending (or
// descending when rev), skipping offset of them first, at most limit
// (< 0: no limit).
func (z *ZSet) RangeByScore(r ScoreRange, rev bool, offset, limit int, fn Visit) {
	if r.Empty() {
		return
	}
	z.rangeIn(scoreBound(r), rev, offset, limit, fn)
}

// RangeByLex is RangeByScore for a member range; like Redis it assumes
// every score is equal.
func (z *ZSet) RangeByLex(r LexRange, rev bool, offset, limit int, fn Visit) {
	if r.Empty() {
		return
	}
	z.rangeIn(lexBound(r), rev, offset, limit, fn)
}

func (z *ZSet) rangeIn(b bound, rev bool, offset, limit int, fn Visit) {
	if z.zsl != nil {
		var x *node
		if rev {
			x = z.zsl.last(func(n *node) bool { return b.lteMax(n.ele, n.score) })
		} else {
			x = z.zsl.first(func(n *node) bool { return !b.gteMin(n.ele, n.score) })
		}
		for ; x != nil && offset > 0; offset-- {
			x = z.step(x, rev)
		}
		for ; x != nil && limit != 0; limit-- {
			if rev && !b.gteMin(x.ele, x.score) || !rev && !b.lteMax(x.ele, x.score) {
				return
			}
			if !fn(bytesOf(x.ele), x.score) {
				return
			}
			x = z.step(x, rev)
		}
		return
	}
	if rev {
		o := z.lp.Seek(-2)
		for ; o >= 0; o = z.prevPair(o) {
			if m, s, _ := z.lpAt(o); b.lteMax(str(m), s) {
				break
			}
		}
		for ; o >= 0 && offset > 0; offset-- {
			o = z.prevPair(o)
		}
		for ; o >= 0 && limit != 0; limit-- {
			m, s, _ := z.lpAt(o)
			if !b.gteMin(str(m), s) || !fn(m, s) {
				return
			}
			o = z.prevPair(o)
		}
		return
	}
	o := 0
	for o < z.lp.End() {
		m, s, next := z.lpAt(o)
		if b.gteMin(str(m), s) {
			break
		}
		o = next
	}
	for ; o < z.lp.End() && offset > 0; offset-- {
		_, _, o = z.lpAt(o)
	}
	for ; o < z.lp.End() && limit != 0; limit-- {
		m, s, next := z.lpAt(o)
		if !b.lteMax(str(m), s) || !fn(m, s) {
			return
		}
		o = next
	}
}

func (z *ZSet) step(x *node, rev bool) *node {
	if rev {
		return x.backward
	}
	return x.level()[0].forward
}

// prevPair returns the offset of the pair before the one at o, or -1.
func (z *ZSet) prevPair(o int) int {
	if o <= 0 {
		return -1
	}
	return z.lp.Prev(z.lp.Prev(o))
}

// CountByScore is ZCOUNT: in a skiplist by ranks, in O(log n).
func (z *ZSet) CountByScore(r ScoreRange) int {
	if r.Empty() {
		return 0
	}
	return z.count(scoreBound(r))
}

// CountByLex is ZLEXCOUNT.
func (z *ZSet) CountByLex(r LexRange) int {
	if r.Empty() {
		return 0
	}
	return z.count(lexBound(r))
}

func (z *ZSet) count(b bound) int {
	if z.zsl != nil {
		first := z.zsl.first(func(n *node) bool { return !b.gteMin(n.ele, n.score) })
		if first == nil || !b.lteMax(first.ele, first.score) {
			return 0
		}
		last := z.zsl.last(func(n *node) bool { return b.lteMax(n.ele, n.score) })
		return z.zsl.rank(last.score, last.ele) - z.zsl.rank(first.score, first.ele) + 1
	}
	n := 0
	z.rangeIn(b, false, 0, -1, func([]byte, float64) bool { n++; return true })
	return n
}

// RemoveRangeByRank deletes ranks start..stop (clamped) and returns how
// many it removed.
func (z *ZSet) RemoveRangeByRank(start, stop int) int {
	return z.removeCollected(func(fn Visit) { z.RangeByRank(start, stop, false, fn) })
}

// RemoveRangeByScore is ZREMRANGEBYSCORE.
func (z *ZSet) RemoveRangeByScore(r ScoreRange) int {
	return z.removeCollected(func(fn Visit) { z.RangeByScore(r, false, 0, -1, fn) })
}

// RemoveRangeByLex is ZREMRANGEBYLEX.
func (z *ZSet) RemoveRangeByLex(r LexRange) int {
	return z.removeCollected(func(fn Visit) { z.RangeByLex(r, false, 0, -1, fn) })
}

// removeCollected deletes what walk visits. A listpack range is one run
// of pairs, deleted in one step; skiplist nodes are unlinked one by one.
func (z *ZSet) removeCollected(walk func(Visit)) int {
	if z.zsl == nil {
		var first []byte
		n := 0
		walk(func(m []byte, _ float64) bool {
			if n == 0 {
				first = bytes.Clone(m)
			}
			n++
			return true
		})
		if n > 0 {
			z.lp.Delete(z.lpFind(first), 2*n)
		}
		return n
	}
	var dead []string
	walk(func(m []byte, _ float64) bool { dead = append(dead, str(m)); return true })
	for _, m := range dead {
		z.Remove(bytesOf(m))
	}
	return len(dead)
}

// All visits every member in ascending order.
func (z *ZSet) All(fn Visit) { z.RangeByRank(0, z.Len()-1, false, fn) }

// Scan is ZSCAN's walk: a skiplist set returns some members from its
// dict and the next cursor; a listpack returns all and cursor 0.
func (z *ZSet) Scan(cursor uint64, count int, fn func(m []byte, score float64)) uint64 {
	if z.zsl != nil {
		return z.d.Scan(cursor, count, func(k string, p **node) { fn(bytesOf(k), (*p).score) })
	}
	z.All(func(m []byte, s float64) bool { fn(m, s); return true })
	return 0
}

// Random returns a member chosen at random; ok is false when empty.
func (z *ZSet) Random() (m []byte, score float64, ok bool) {
	if z.zsl != nil {
		k, p, ok := z.d.Random()
		if !ok {
			return nil, 0, false
		}
		return bytesOf(k), (*p).score, true
	}
	if z.Len() == 0 {
		return nil, 0, false
	}
	m, score, _ = z.lpAt(z.lp.Seek(2 * rand.IntN(z.Len())))
	return m, score, true
}

// Clone returns an independent copy with the same encoding.
func (z *ZSet) Clone() *ZSet {
	if z.zsl == nil {
		return &ZSet{lp: z.lp.Clone()}
	}
	c := NewSkiplist()
	z.All(func(m []byte, s float64) bool { c.insert(m, s); return true })
	return c
}

// ToSkiplist moves a listpack set to the skiplist encoding. Redis 7.0's
// SORT and SORT_RO convert every sorted set they read this way
// (zsetConvert before sorting), which OBJECT ENCODING shows.
func (z *ZSet) ToSkiplist() {
	if z.zsl == nil {
		z.convert()
	}
}
