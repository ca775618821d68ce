package stream

import (
	"bytes"
	"math/rand/v2"
	"sort"
	"testing"
)

// checkTree verifies the tree against the sorted keys it should hold:
// lookups, both seek directions, the node count and rax's shape rules.
func checkTree(t *testing.T, tr *Tree[int], want map[string]int) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if tr.Len() != len(keys) {
		t.Fatalf("Len = %d, want %d", tr.Len(), len(keys))
	}
	var got []string
	tr.Each(func(k []byte, v int) bool {
		got = append(got, string(k))
		if want[string(k)] != v {
			t.Errorf("value at %q = %d, want %d", k, v, want[string(k)])
		}
		return true
	})
	if len(got) != len(keys) {
		t.Fatalf("Each visited %q, want %q", got, keys)
	}
	for i := range keys {
		if got[i] != keys[i] {
			t.Fatalf("Each visited %q, want %q", got, keys)
		}
	}
	if n := countNodes(tr.root, tr.root); n != tr.Nodes() {
		t.Fatalf("Nodes() = %d, but the tree has %d", tr.Nodes(), n)
	}
}

// countNodes counts the nodes and checks rax's rules: a compressed
// node has at least 2 bytes and one child, a branch's bytes are sorted
// and unique, and every leaf but an empty root is a key.
func countNodes(n, root *raxNode[int]) int {
	if n.compressed && (len(n.chars) < 2 || len(n.children) != 1) {
		panic("bad compressed node")
	}
	if !n.compressed && len(n.chars) != len(n.children) {
		panic("branch chars and children differ")
	}
	for i := 1; !n.compressed && i < len(n.chars); i++ {
		if n.chars[i-1] >= n.chars[i] {
			panic("branch bytes not sorted")
		}
	}
	if len(n.children) == 0 && !n.isKey && n != root {
		panic("leaf that is not a key")
	}
	c := 1
	for _, ch := range n.children {
		c += countNodes(ch, root)
	}
	return c
}

func TestTreeAgainstSortedMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ab\x00\xff")
	for round := 0; round < 30; round++ {
		tr := NewTree[int]()
		want := map[string]int{}
		for op := 0; op < 300; op++ {
			k := make([]byte, r.IntN(5))
			for i := range k {
				k[i] = alphabet[r.IntN(len(alphabet))]
			}
			if r.IntN(3) == 0 {
				_, had := want[string(k)]
				if tr.Delete(k) != had {
					t.Fatalf("Delete(%q) = %v, want %v", k, !had, had)
				}
				delete(want, string(k))
			} else {
				_, had := want[string(k)]
				if tr.Set(k, op) == had {
					t.Fatalf("Set(%q) reported new = %v", k, had)
				}
				want[string(k)] = op
			}
			checkTree(t, tr, want)
			probe := make([]byte, r.IntN(5))
			for i := range probe {
				probe[i] = alphabet[r.IntN(len(alphabet))]
			}
			checkSeek(t, tr, want, probe)
		}
	}
}

func checkSeek(t *testing.T, tr *Tree[int], want map[string]int, probe []byte) {
	t.Helper()
	for _, incl := range []bool{true, false} {
		var ceil, floor []byte
		hasCeil, hasFloor := false, false
		for k := range want {
			c := bytes.Compare([]byte(k), probe)
			if (c > 0 || incl && c == 0) && (!hasCeil || k < string(ceil)) {
				ceil, hasCeil = []byte(k), true
			}
			if (c < 0 || incl && c == 0) && (!hasFloor || k > string(floor)) {
				floor, hasFloor = []byte(k), true
			}
		}
		if k, _, ok := tr.Seek(probe, incl); ok != hasCeil || ok && !bytes.Equal(k, ceil) {
			t.Fatalf("Seek(%q, %v) = %q, %v; want %q, %v", probe, incl, k, ok, ceil, hasCeil)
		}
		if k, _, ok := tr.SeekBack(probe, incl); ok != hasFloor || ok && !bytes.Equal(k, floor) {
			t.Fatalf("SeekBack(%q, %v) = %q, %v; want %q, %v", probe, incl, k, ok, floor, hasFloor)
		}
	}
}

// TestTreeNodeCounts pins the node counts rax.c gives for the same
// insertions and deletions (XINFO STREAM's radix-tree-nodes).
func TestTreeNodeCounts(t *testing.T) {
	key := func(ms, seq uint64) []byte { k := (ID{ms, seq}).Key(); return k[:] }
	tr := NewTree[int]()
	for _, tc := range []struct {
		op        string
		key       []byte
		wantNodes int
	}{
		{"set", key(1, 1), 2},       // root compressed over 16 bytes, and the leaf
		{"set", key(1, 101), 4},     // split at the last byte: prefix, branch, two leaves
		{"set", key(1, 201), 5},     // one more leaf on the branch
		{"del", key(1, 101), 4},     // the leaf goes
		{"del", key(1, 201), 2},     // the branch has one child left: recompressed
		{"del", key(1, 1), 1},       // empty: just the root
		{"set", []byte("abc"), 2},   // root "abc" and a leaf
		{"set", []byte("ab"), 3},    // key inside a compressed run: split
		{"set", []byte("abd"), 4},   //
		{"del", []byte("ab"), 4},    // "ab" stays a branch
		{"del", []byte("abc"), 2},   // back to one chain
		{"set", []byte("abdef"), 3}, // the leaf "abd" becomes the run "ef" to a new leaf
	} {
		if tc.op == "set" {
			tr.Set(tc.key, 1)
		} else if !tr.Delete(tc.key) {
			t.Fatalf("Delete(%q) found nothing", tc.key)
		}
		if got := tr.Nodes(); got != tc.wantNodes {
			t.Fatalf("after %s %q: %d nodes, want %d", tc.op, tc.key, got, tc.wantNodes)
		}
	}
}
