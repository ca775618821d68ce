package stream

import (
	"strconv"
	"strings"
	"testing"
)

func bs(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// TestListpackSizes checks the element sizes listpack.c would use.
func TestListpackSizes(t *testing.T) {
	for _, tc := range []struct {
		elem string
		want int
	}{
		{"0", 2}, {"127", 2}, {"128", 3}, {"-1", 3}, {"4095", 3}, {"-4096", 3},
		{"4096", 4}, {"32767", 4}, {"32768", 5}, {"8388607", 5}, {"8388608", 6},
		{"2147483648", 10}, {"9223372036854775807", 10},
		{"", 2}, {"a", 3}, {"007", 5}, {"-0", 4}, {"1.5", 5},
		{strings.Repeat("x", 63), 65}, {strings.Repeat("x", 64), 67},
		{strings.Repeat("x", 125), 128}, {strings.Repeat("x", 126), 130},
		{strings.Repeat("x", 4095), 4099}, {strings.Repeat("x", 4096), 4103},
	} {
		if got := lpStrSize([]byte(tc.elem)); got != tc.want {
			t.Errorf("lpStrSize(%.10q (len %d)) = %d, want %d", tc.elem, len(tc.elem), got, tc.want)
		}
	}
}

func TestNodeMasterFields(t *testing.T) {
	s := New()
	add := func(id ID, kv ...string) {
		t.Helper()
		var f, v []string
		for i := 0; i < len(kv); i += 2 {
			f, v = append(f, kv[i]), append(v, kv[i+1])
		}
		if msg := s.Append(id, bs(f...), bs(v...), Limits{MaxBytes: 4096, MaxEntries: 100}); msg != "" {
			t.Fatal(msg)
		}
	}
	add(ID{5, 0}, "temp", "20", "hum", "50")
	add(ID{5, 1}, "temp", "21", "hum", "51")
	add(ID{6, 0}, "hum", "52", "temp", "22") // same fields, other order
	add(ID{7, 0}, "temp", "23")
	_, n, _ := s.rax.First()
	if n.master != (ID{5, 0}) || len(n.entries) != 4 {
		t.Fatalf("one node from 5-0 with 4 entries expected, got master %v, %d entries", n.master, len(n.entries))
	}
	for i, want := range []bool{true, true, false, false} {
		e := &n.entries[i]
		if same := e.flags&flagSameFields != 0; same != want || same != (e.fields == nil) {
			t.Errorf("entry %d: SAMEFIELDS %v (fields stored: %v), want %v", i, same, e.fields != nil, want)
		}
	}
	if e := n.entries[2]; e.msDelta != 1 || e.seqDelta != 0 {
		t.Errorf("entry 6-0 stored as delta %d-%d, want 1-0", e.msDelta, e.seqDelta)
	}
	// The listpack Redis builds for these four entries: header and end
	// (7); the master entry: count, deleted, num-fields, "temp", "hum",
	// 0; small integers take 2 bytes, "temp" 6 and "hum" 5. Then two
	// entries with the master's fields (flags, ms, seq, two values,
	// lp-count) and two with their own.
	want := 7 + (2 + 2 + 2 + 6 + 5 + 2) + 2*(2+2+2+2+2+2) + (2 + 2 + 2 + 2 + 5 + 2 + 6 + 2 + 2) + (2 + 2 + 2 + 2 + 6 + 2 + 2)
	if n.size != want {
		t.Errorf("node size %d, want %d", n.size, want)
	}
	got := ""
	s.Range(ID{}, MaxID, false, func(e Entry) bool {
		got += e.ID.String() + ":" + string(e.Fields[0]) + "=" + string(e.Values[0]) + " "
		return true
	})
	if got != "5-0:temp=20 5-1:temp=21 6-0:hum=52 7-0:temp=23 " {
		t.Errorf("entries read back as %q", got)
	}
}

func TestNodeLimits(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lim       Limits
		value     string
		entries   int
		wantNodes int
	}{
		{"entries", Limits{MaxBytes: 4096, MaxEntries: 100}, "v", 250, 3},
		{"entries of 10", Limits{MaxBytes: 4096, MaxEntries: 10}, "v", 25, 3},
		{"bytes", Limits{MaxBytes: 4096, MaxEntries: 100}, strings.Repeat("x", 500), 20, 3},
		{"no limits", Limits{}, "v", 1000, 1},
	} {
		s := New()
		for i := 1; i <= tc.entries; i++ {
			s.Append(ID{uint64(i), 0}, bs("f"), bs(tc.value), tc.lim)
		}
		if s.rax.Len() != tc.wantNodes || s.Len() != int64(tc.entries) {
			t.Errorf("%s: %d nodes, %d entries; want %d nodes", tc.name, s.rax.Len(), s.Len(), tc.wantNodes)
		}
	}
}

func TestDeleteAndTrim(t *testing.T) {
	newStream := func() *Stream {
		s := New()
		for i := 1; i <= 10; i++ {
			s.Append(ID{uint64(i), 0}, bs("f"), bs(strconv.Itoa(i)), Limits{MaxEntries: 4})
		}
		return s // nodes 1-4, 5-8, 9-10
	}
	ids := func(s *Stream) string {
		var out []string
		s.Range(ID{}, MaxID, false, func(e Entry) bool { out = append(out, strconv.FormatUint(e.ID.Ms, 10)); return true })
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name             string
		trim             Trim
		wantRemoved      int64
		wantIDs          string
		wantNodes, first int
	}{
		{"exact maxlen", Trim{Strategy: TrimMaxLen, MaxLen: 5}, 5, "6,7,8,9,10", 2, 6},
		{"approx maxlen keeps a partial node", Trim{Strategy: TrimMaxLen, MaxLen: 5, Approx: true}, 4, "5,6,7,8,9,10", 2, 5},
		{"limit stops before a node", Trim{Strategy: TrimMaxLen, MaxLen: 0, Approx: true, Limit: 6}, 4, "5,6,7,8,9,10", 2, 5},
		{"minid", Trim{Strategy: TrimMinID, MinID: ID{7, 0}}, 6, "7,8,9,10", 2, 7},
		{"approx minid", Trim{Strategy: TrimMinID, MinID: ID{7, 0}, Approx: true}, 4, "5,6,7,8,9,10", 2, 5},
		{"everything", Trim{Strategy: TrimMaxLen, MaxLen: 0}, 10, "", 0, 0},
	} {
		s := newStream()
		if got := s.Trim(tc.trim); got != tc.wantRemoved || ids(s) != tc.wantIDs || s.rax.Len() != tc.wantNodes || s.firstID.Ms != uint64(tc.first) {
			t.Errorf("%s: removed %d, left %q in %d nodes, first %v; want %d, %q, %d nodes, first %d",
				tc.name, got, ids(s), s.rax.Len(), s.firstID, tc.wantRemoved, tc.wantIDs, tc.wantNodes, tc.first)
		}
	}

	s := newStream()
	if n := s.DeleteIDs([]ID{{2, 0}, {1, 0}, {99, 0}, {2, 0}}); n != 2 {
		t.Fatalf("XDEL removed %d, want 2", n)
	}
	_, n, _ := s.rax.First()
	if n.live != 2 || n.deleted != 2 || n.entries[0].flags&flagDeleted == 0 {
		t.Errorf("first node: %d live, %d deleted, flags %d", n.live, n.deleted, n.entries[0].flags)
	}
	if s.firstID != (ID{3, 0}) || s.maxDeletedID != (ID{2, 0}) || s.Len() != 8 {
		t.Errorf("first %v, max deleted %v, length %d", s.firstID, s.maxDeletedID, s.Len())
	}
	s.DeleteIDs([]ID{{3, 0}, {4, 0}})
	if s.rax.Len() != 2 {
		t.Errorf("a node with no live entry left stays: %d nodes", s.rax.Len())
	}
	if got := s.FirstIDWithTombstones(); got != (ID{5, 0}) {
		t.Errorf("first ID with tombstones %v", got)
	}
}
