package stream

import (
	"math"
	"testing"
)

func TestParseID(t *testing.T) {
	const max = math.MaxUint64
	for _, tc := range []struct {
		in               string
		missing          uint64
		strict, autoSeq  bool
		want             ID
		seqGiven, wantOK bool
	}{
		{in: "1-2", want: ID{1, 2}, seqGiven: true, wantOK: true},
		{in: "5", missing: 0, want: ID{5, 0}, seqGiven: true, wantOK: true},
		{in: "5", missing: max, want: ID{5, max}, seqGiven: true, wantOK: true},
		{in: "-", want: ID{}, seqGiven: true, wantOK: true},
		{in: "+", want: MaxID, seqGiven: true, wantOK: true},
		{in: "-", strict: true},
		{in: "+", strict: true},
		{in: "18446744073709551615-18446744073709551615", want: MaxID, seqGiven: true, wantOK: true},
		{in: "18446744073709551616-0"},
		{in: "7-*", autoSeq: true, want: ID{7, 0}, wantOK: true},
		{in: "7-*"},
		{in: "*-1"},
		{in: "1-2-3"},
		{in: "-1"},
		{in: "1-"},
		{in: ""},
		{in: "abc"},
		// string2ull falls back to strtoull, which skips spaces and
		// takes a sign (a negative wraps around).
		{in: " 3-1", want: ID{3, 1}, seqGiven: true, wantOK: true},
		{in: "+3-1", want: ID{3, 1}, seqGiven: true, wantOK: true},
		{in: "1\x00junk", want: ID{1, 0}, seqGiven: true, wantOK: true},
	} {
		got, seqGiven, ok := ParseID([]byte(tc.in), tc.missing, tc.strict, tc.autoSeq)
		if ok != tc.wantOK || ok && (got != tc.want || seqGiven != tc.seqGiven) {
			t.Errorf("ParseID(%q, %d, %v, %v) = %v, %v, %v; want %v, %v, %v",
				tc.in, tc.missing, tc.strict, tc.autoSeq, got, seqGiven, ok, tc.want, tc.seqGiven, tc.wantOK)
		}
	}
}

func TestIDOrderAndSteps(t *testing.T) {
	for _, tc := range []struct {
		id, next, prev   ID
		hasNext, hasPrev bool
	}{
		{ID{1, 1}, ID{1, 2}, ID{1, 0}, true, true},
		{ID{1, 0}, ID{1, 1}, ID{0, math.MaxUint64}, true, true},
		{ID{0, 0}, ID{0, 1}, ID{}, true, false},
		{ID{5, math.MaxUint64}, ID{6, 0}, ID{5, math.MaxUint64 - 1}, true, true},
		{MaxID, ID{}, ID{math.MaxUint64, math.MaxUint64 - 1}, false, true},
	} {
		if n, ok := tc.id.Next(); ok != tc.hasNext || ok && n != tc.next {
			t.Errorf("%v.Next() = %v, %v", tc.id, n, ok)
		}
		if p, ok := tc.id.Prev(); ok != tc.hasPrev || ok && p != tc.prev {
			t.Errorf("%v.Prev() = %v, %v", tc.id, p, ok)
		}
	}
	ids := []ID{{0, 0}, {0, 1}, {0, math.MaxUint64}, {1, 0}, {256, 0}, {math.MaxUint64, 0}, MaxID}
	for i := range ids {
		for j := range ids {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			ki, kj := ids[i].Key(), ids[j].Key()
			if ids[i].Compare(ids[j]) != want || compareBytes(ki[:], kj[:]) != want {
				t.Errorf("order of %v and %v: Compare %d, keys %d, want %d", ids[i], ids[j], ids[i].Compare(ids[j]), compareBytes(ki[:], kj[:]), want)
			}
		}
		if k := ids[i].Key(); IDFromKey(k[:]) != ids[i] {
			t.Errorf("IDFromKey(Key(%v)) = %v", ids[i], IDFromKey(k[:]))
		}
	}
}

func compareBytes(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func TestNextIDUnderClockSkew(t *testing.T) {
	s := New()
	if msg := s.Append(ID{1000, 5}, [][]byte{[]byte("f")}, [][]byte{[]byte("v")}, Limits{}); msg != "" {
		t.Fatal(msg)
	}
	for _, tc := range []struct {
		now  uint64
		want ID
	}{
		{2000, ID{2000, 0}}, // the clock moved on
		{1000, ID{1000, 6}}, // same millisecond
		{10, ID{1000, 6}},   // the clock went back: the last ID's ms
	} {
		if got, ok := s.NextID(tc.now); !ok || got != tc.want {
			t.Errorf("NextID(%d) = %v, %v; want %v", tc.now, got, ok, tc.want)
		}
	}
	s.SetID(MaxID, -1, ID{})
	if _, ok := s.NextID(1); ok {
		t.Error("NextID after the last possible ID succeeded")
	}
}
