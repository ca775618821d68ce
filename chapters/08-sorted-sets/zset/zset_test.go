package zset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typetest"
)

type pair struct {
	m string
	s float64
}

// sorted returns the model in (score, member) order.
func sorted(model map[string]float64) []pair {
	var ps []pair
	for m, s := range model {
		ps = append(ps, pair{m, s})
	}
	sort.Slice(ps, func(i, j int) bool { return less(ps[i].s, ps[i].m, ps[j].s, ps[j].m) })
	return ps
}

func collect(walk func(Visit)) []pair {
	var ps []pair
	walk(func(m []byte, s float64) bool { ps = append(ps, pair{string(m), s}); return true })
	return ps
}

// checkSkiplist verifies order, backward links and spans.
func checkSkiplist(t *testing.T, z *ZSet) {
	t.Helper()
	if z.zsl == nil {
		return
	}
	zsl := z.zsl
	for i := 0; i < zsl.level; i++ {
		rank := 0
		x := zsl.header
		for x.level()[i].forward != nil {
			rank += x.level()[i].span
			x = x.level()[i].forward
			if got := zsl.rank(x.score, x.ele); got != rank {
				t.Fatalf("level %d: span sum %d, rank %d", i, rank, got)
			}
		}
	}
	var prev *node
	n := 0
	for x := zsl.header.level()[0].forward; x != nil; x = x.level()[0].forward {
		if x.backward != prev {
			t.Fatal("bad backward link")
		}
		if prev != nil && !less(prev.score, prev.ele, x.score, x.ele) {
			t.Fatal("out of order")
		}
		prev = x
		n++
	}
	if n != zsl.length || n != z.d.Len() || zsl.tail != prev {
		t.Fatalf("length %d, nodes %d, dict %d", zsl.length, n, z.d.Len())
	}
}

func TestZSetMatchesModel(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, lim := range []Limits{{Entries: 1000, Value: 1000}, {Entries: 8, Value: 3}, {Entries: 0, Value: 0}} {
		z := New(1, lim)
		model := map[string]float64{}
		for step := 0; step < 4000; step++ {
			m := fmt.Sprint(r.IntN(40))
			s := float64(r.IntN(10))
			switch r.IntN(8) {
			case 0, 1, 2:
				f := AddFlags{NX: r.IntN(6) == 0, XX: r.IntN(6) == 0, GT: r.IntN(6) == 0, Incr: r.IntN(4) == 0}
				if f.NX && f.XX {
					f.XX = false
				}
				cur, had := model[m]
				res, got := z.Add([]byte(m), s, f, lim)
				want := s
				if f.Incr && had {
					want = cur + s
				}
				switch {
				case had && f.NX, !had && f.XX, had && f.GT && want <= cur:
					if res != Nop {
						t.Fatalf("Add %s %v: %v, want Nop", m, f, res)
					}
				case !had:
					if res != Added || got != want {
						t.Fatalf("Add %s: %v %v", m, res, got)
					}
					model[m] = want
				default:
					if want == cur && res != Same || want != cur && res != Updated || got != want {
						t.Fatalf("Add %s %v: %v %v (had %v)", m, f, res, got, cur)
					}
					model[m] = want
				}
			case 3:
				_, had := model[m]
				if z.Remove([]byte(m)) != had {
					t.Fatalf("Remove %s", m)
				}
				delete(model, m)
			case 4:
				ps := sorted(model)
				i := slices.IndexFunc(ps, func(p pair) bool { return p.m == m })
				rank, ok := z.Rank([]byte(m), false)
				rrank, _ := z.Rank([]byte(m), true)
				if ok != (i >= 0) || (ok && (rank != i || rrank != len(ps)-1-i)) {
					t.Fatalf("Rank %s = %d %v, want %d", m, rank, ok, i)
				}
			case 5:
				ps := sorted(model)
				if len(ps) == 0 {
					continue
				}
				a := r.IntN(len(ps))
				b := a + r.IntN(len(ps)-a)
				rev := r.IntN(2) == 0
				got := collect(func(v Visit) { z.RangeByRank(a, b, rev, v) })
				want := slices.Clone(ps)
				if rev {
					slices.Reverse(want)
				}
				if !slices.Equal(got, want[a:b+1]) {
					t.Fatalf("RangeByRank(%d,%d,%v) = %v, want %v", a, b, rev, got, want[a:b+1])
				}
			case 6:
				sr := ScoreRange{Min: float64(r.IntN(10)), Max: float64(r.IntN(10)), MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
				rev := r.IntN(2) == 0
				off, lim := r.IntN(3), r.IntN(5)-1
				var want []pair
				for _, p := range sorted(model) {
					if sr.GteMin(p.s) && sr.LteMax(p.s) {
						want = append(want, p)
					}
				}
				if z.CountByScore(sr) != len(want) {
					t.Fatalf("CountByScore(%+v) = %d, want %d", sr, z.CountByScore(sr), len(want))
				}
				if rev {
					slices.Reverse(want)
				}
				want = want[min(off, len(want)):]
				if lim >= 0 {
					want = want[:min(lim, len(want))]
				}
				got := collect(func(v Visit) { z.RangeByScore(sr, rev, off, lim, v) })
				if !slices.Equal(got, want) {
					t.Fatalf("RangeByScore(%+v, rev %v, %d, %d) = %v, want %v", sr, rev, off, lim, got, want)
				}
				if r.IntN(10) == 0 {
					n := z.RemoveRangeByScore(sr)
					removed := 0
					for m, s := range model {
						if sr.GteMin(s) && sr.LteMax(s) && !sr.Empty() {
							delete(model, m)
							removed++
						}
					}
					if n != removed {
						t.Fatalf("RemoveRangeByScore = %d, want %d", n, removed)
					}
				}
			case 7:
				if len(model) > 0 && r.IntN(5) == 0 {
					ps := sorted(model)
					a := r.IntN(len(ps))
					b := a + r.IntN(min(3, len(ps)-a))
					if n := z.RemoveRangeByRank(a, b); n != b-a+1 {
						t.Fatalf("RemoveRangeByRank = %d", n)
					}
					for _, p := range ps[a : b+1] {
						delete(model, p.m)
					}
				}
			}
			if z.Len() != len(model) {
				t.Fatalf("Len %d, want %d", z.Len(), len(model))
			}
			if z.Encoding() == EncListpack && z.Len() > lim.Entries {
				t.Fatalf("listpack with %d members, limit %d", z.Len(), lim.Entries)
			}
			checkSkiplist(t, z)
		}
		if got := collect(z.All); !slices.Equal(got, sorted(model)) {
			t.Fatalf("All = %v", got)
		}
	}
}

func TestLexRanges(t *testing.T) {
	for _, lim := range []Limits{DefaultLimits, {}} {
		z := New(1, lim)
		for _, m := range []string{"a", "b", "c", "d", "e", "ff"} {
			z.Add([]byte(m), 0, AddFlags{}, lim)
		}
		cases := []struct {
			min, max string
			want     string
		}{
			{"-", "+", "a b c d e ff"},
			{"[b", "[d", "b c d"},
			{"(b", "(d", "c"},
			{"[f", "+", "ff"},
			{"-", "(c", "a b"},
			{"+", "-", ""},
			{"[d", "[b", ""},
			{"(c", "[c", ""},
		}
		for _, c := range cases {
			lr, ok := ParseLexRange([]byte(c.min), []byte(c.max))
			if !ok {
				t.Fatalf("parse %s %s", c.min, c.max)
			}
			var got []string
			z.RangeByLex(lr, false, 0, -1, func(m []byte, _ float64) bool { got = append(got, string(m)); return true })
			if strings.Join(got, " ") != c.want {
				t.Errorf("%s: [%s %s] = %v, want %s", z.Encoding(), c.min, c.max, got, c.want)
			}
			if n := z.CountByLex(lr); n != len(got) {
				t.Errorf("%s: count [%s %s] = %d", z.Encoding(), c.min, c.max, n)
			}
		}
	}
	for _, bad := range [][2]string{{"a", "+"}, {"", "+"}, {"-x", "+"}, {"[a", "++"}} {
		if _, ok := ParseLexRange([]byte(bad[0]), []byte(bad[1])); ok {
			t.Errorf("ParseLexRange(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

func TestScoreParsing(t *testing.T) {
	ranges := []struct {
		min, max string
		ok       bool
		want     ScoreRange
	}{
		{"-inf", "+inf", true, ScoreRange{Min: math.Inf(-1), Max: math.Inf(1)}},
		{"(1.5", "2", true, ScoreRange{Min: 1.5, Max: 2, MinEx: true}},
		{"", "(", true, ScoreRange{MaxEx: true}},
		{" 1", "1e400", true, ScoreRange{Min: 1, Max: math.Inf(1)}},
		{"0x10", "1", true, ScoreRange{Min: 16, Max: 1}},
		{"nan", "1", false, ScoreRange{}},
		{"1 ", "1", false, ScoreRange{}},
		{"a", "1", false, ScoreRange{}},
		{"((1", "1", false, ScoreRange{}},
		{"1e", "1", false, ScoreRange{}},
	}
	for _, c := range ranges {
		got, ok := ParseScoreRange([]byte(c.min), []byte(c.max))
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseScoreRange(%q, %q) = %+v %v, want %+v %v", c.min, c.max, got, ok, c.want, c.ok)
		}
	}
	scores := []struct {
		in string
		ok bool
	}{{"1", true}, {"-inf", true}, {"+inf", true}, {"inf", true}, {"1.5e3", true}, {"", false}, {" 1", false},
		{"nan", false}, {"1e400", false}, {"1e-400", false}, {"0e-400", true}, {"1_0", false}, {"0x1p3", true}, {"--1", false}}
	for _, c := range scores {
		if _, ok := ParseScore([]byte(c.in)); ok != c.ok {
			t.Errorf("ParseScore(%q) ok = %v, want %v", c.in, ok, c.ok)
		}
	}
}

func TestEncodingRules(t *testing.T) {
	z := New(1, DefaultLimits)
	for i := 0; i < 128; i++ {
		z.Add([]byte(fmt.Sprint(i)), float64(i), AddFlags{}, DefaultLimits)
	}
	if z.Encoding() != EncListpack {
		t.Fatal("128 members: want listpack")
	}
	z.Add([]byte("x"), 1, AddFlags{}, DefaultLimits)
	if z.Encoding() != EncSkiplist {
		t.Fatal("129 members: want skiplist")
	}
	if New(65, DefaultLimits).Encoding() != EncSkiplist {
		t.Fatal("first member of 65 bytes: want skiplist")
	}
	y := New(1, DefaultLimits)
	y.Add([]byte("a"), 1, AddFlags{}, DefaultLimits)
	y.Add([]byte(strings.Repeat("m", 65)), 1, AddFlags{}, DefaultLimits)
	if y.Encoding() != EncSkiplist {
		t.Fatal("65-byte member: want skiplist")
	}
	y.Remove([]byte(strings.Repeat("m", 65)))
	y.Shrink(DefaultLimits)
	if y.Encoding() != EncListpack || y.Len() != 1 {
		t.Fatal("Shrink of a small skiplist set")
	}
}

func TestNaNAndZeroSign(t *testing.T) {
	z := New(1, DefaultLimits)
	z.Add([]byte("a"), math.Inf(1), AddFlags{}, DefaultLimits)
	if res, _ := z.Add([]byte("a"), math.Inf(-1), AddFlags{Incr: true}, DefaultLimits); res != NaN {
		t.Fatalf("inf + -inf: %v", res)
	}
	// Redis's listpack stores -0 as the integer 0; a skiplist keeps the
	// double's sign, and ZSCORE shows "-0".
	z.Add([]byte("z"), math.Copysign(0, -1), AddFlags{}, DefaultLimits)
	if s, _ := z.Score([]byte("z")); math.Signbit(s) {
		t.Fatal("listpack kept -0")
	}
	sl := NewSkiplist()
	sl.Add([]byte("z"), math.Copysign(0, -1), AddFlags{}, DefaultLimits)
	if s, _ := sl.Score([]byte("z")); !math.Signbit(s) {
		t.Fatal("skiplist lost the sign of -0")
	}
	if res, _ := sl.Add([]byte("z"), 0, AddFlags{}, DefaultLimits); res != Same {
		t.Fatalf("0 over -0: %v (Redis compares with ==)", res)
	}
}

func BenchmarkAddSkiplist(b *testing.B) {
	z := NewSkiplist()
	ms := make([][]byte, 1<<16)
	for i := range ms {
		ms[i] = []byte(fmt.Sprint("member:", i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z.Add(ms[i&(1<<16-1)], float64(i), AddFlags{}, DefaultLimits)
	}
}

func BenchmarkRankSkiplist(b *testing.B) {
	z := NewSkiplist()
	for i := 0; i < 100000; i++ {
		z.Add([]byte(fmt.Sprint("member:", i)), float64(i), AddFlags{}, DefaultLimits)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		z.Rank([]byte("member:50000"), false)
	}
}

func TestMemoryPerMember(t *testing.T) {
	typetest.SkipUnlessMeasuring(t)
	const n = 1000000
	big := typetest.HeapAfter(func() any {
		z := NewSkiplist()
		for i := 0; i < n; i++ {
			z.Add(fmt.Appendf(nil, "member:%d", i), float64(i), AddFlags{}, DefaultLimits)
		}
		return z
	})
	small := typetest.HeapAfter(func() any {
		zs := make([]*ZSet, 100000)
		for k := range zs {
			zs[k] = New(8, DefaultLimits)
			for i := 0; i < 10; i++ {
				zs[k].Add(fmt.Appendf(nil, "member:%d", i), float64(i), AddFlags{}, DefaultLimits)
			}
		}
		return zs
	})
	t.Logf("zset: 1M members (skiplist): %.1f B/member; 100k x 10 (listpack): %.1f B/member", float64(big)/n, float64(small)/1e6)
	if float64(big)/n > 200 {
		t.Errorf("skiplist member costs %.1f B", float64(big)/n)
	}
}

// TestScoreEncodingRoundTrips: small integral scores take the short
// integer form, everything else the 8 bytes of a double, and each reads
// back as the same score (-0 as 0, as Redis's listpack keeps it).
func TestScoreEncodingRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		score float64
		size  int
	}{
		{0, 1}, {1, 1}, {-1, 1}, {63, 1}, {-64, 1}, {64, 2}, {8191, 2}, {-8192, 2},
		{maxSmallScore - 1, 7}, {-(maxSmallScore - 1), 7},
		{maxSmallScore, 8}, {-maxSmallScore, 8}, {1 << 53, 8}, {1.5, 8}, {-0.25, 8},
		{math.Inf(1), 8}, {math.Inf(-1), 8}, {1e300, 8}, {math.SmallestNonzeroFloat64, 8},
	} {
		b := encScore(tc.score)
		if len(b) != tc.size {
			t.Errorf("encScore(%v) is %d bytes, want %d", tc.score, len(b), tc.size)
		}
		if got := decScore(b); got != tc.score {
			t.Errorf("decScore(encScore(%v)) = %v", tc.score, got)
		}
	}
	if got := decScore(encScore(math.Copysign(0, -1))); got != 0 || math.Signbit(got) {
		t.Errorf("-0 reads back as %v", got)
	}
}
