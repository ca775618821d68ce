package stream

import "bytes"

// Tree is Redis's rax: a radix tree of byte-string keys, in the same
// shape rax.c builds, so that XINFO's radix-tree-nodes counts what Redis
// counts. A node stands for the key spelled by the path to it. It is
// either a branch, whose chars are the first bytes of its children's
// edges (one byte each, sorted), or compressed: a run of bytes leading
// to its single child. A key may end at any node that is not in the
// middle of a compressed run; leaves are always keys.
//
// The stream keeps its nodes in one, keyed by the 16-byte big-endian
// master ID (so byte order is ID order and neighbouring IDs share
// their high bytes); consumer groups keep their pending entries the
// same way, and groups and consumers by name.
type Tree[V any] struct {
	root  *raxNode[V]
	keys  int
	nodes int
}

type raxNode[V any] struct {
	compressed bool
	chars      []byte
	children   []*raxNode[V]
	isKey      bool
	value      V
}

// NewTree returns an empty tree: one empty node, as raxNew.
func NewTree[V any]() *Tree[V] { return &Tree[V]{root: &raxNode[V]{}, nodes: 1} }

// Len is the number of keys (raxSize).
func (t *Tree[V]) Len() int { return t.keys }

// Nodes is the number of nodes (rax->numnodes).
func (t *Tree[V]) Nodes() int { return t.nodes }

// walk follows key from the root as far as it matches: the node reached,
// how many bytes of key were consumed, the parents on the way, and, if
// it stopped inside a compressed node, how many of its bytes matched.
func (t *Tree[V]) walk(key []byte) (h *raxNode[V], i, split int, stack []*raxNode[V]) {
	h = t.root
	for len(h.chars) > 0 && i < len(key) {
		if h.compressed {
			j := 0
			for j < len(h.chars) && i+j < len(key) && h.chars[j] == key[i+j] {
				j++
			}
			if j != len(h.chars) {
				return h, i + j, j, stack
			}
			i += j
			stack = append(stack, h)
			h = h.children[0]
			continue
		}
		k := bytes.IndexByte(h.chars, key[i])
		if k < 0 {
			break
		}
		stack = append(stack, h)
		h = h.children[k]
		i++
	}
	return h, i, 0, stack
}

// Get returns the value stored at key.
func (t *Tree[V]) Get(key []byte) (v V, ok bool) {
	h, i, split, _ := t.walk(key)
	if i != len(key) || split != 0 || !h.isKey {
		return v, false
	}
	return h.value, true
}

// Set stores v at key, replacing any value there (raxInsert). It reports
// whether the key is new.
func (t *Tree[V]) Set(key []byte, v V) bool {
	h, i, split, stack := t.walk(key)
	parent := t.root
	if len(stack) > 0 {
		parent = stack[len(stack)-1]
	}
	if h.compressed && split > 0 || h.compressed && i < len(key) {
		h = t.splitCompressed(parent, h, split, i == len(key))
	}
	for i < len(key) {
		child := &raxNode[V]{}
		t.nodes++
		if len(h.chars) == 0 && len(key)-i > 1 {
			h.compressed = true
			h.chars = append([]byte(nil), key[i:]...)
			h.children = []*raxNode[V]{child}
			i = len(key)
		} else {
			k := 0
			for k < len(h.chars) && h.chars[k] < key[i] {
				k++
			}
			h.chars = append(h.chars[:k], append([]byte{key[i]}, h.chars[k:]...)...)
			h.children = append(h.children[:k], append([]*raxNode[V]{child}, h.children[k:]...)...)
			i++
		}
		h = child
	}
	added := !h.isKey
	if added {
		t.keys++
	}
	h.isKey, h.value = true, v
	return added
}

// splitCompressed cuts compressed node h after its first j bytes, the
// two cases of raxInsert. When the new key ends there (endsHere), the
// node that begins at byte j is returned, to hold the key. Otherwise
// the returned node is a branch at byte j with one child (the rest of
// h), to which the caller adds the new key's byte.
func (t *Tree[V]) splitCompressed(parent, h *raxNode[V], j int, endsHere bool) *raxNode[V] {
	next := h.children[0]
	run := func(chars []byte, child *raxNode[V]) *raxNode[V] {
		return &raxNode[V]{compressed: len(chars) > 1, chars: chars, children: []*raxNode[V]{child}}
	}
	var at *raxNode[V] // the node at position j
	if endsHere {
		at = run(append([]byte(nil), h.chars[j:]...), next)
	} else {
		post := next
		if rest := h.chars[j+1:]; len(rest) > 0 {
			post = run(append([]byte(nil), rest...), next)
			t.nodes++
		}
		at = &raxNode[V]{chars: []byte{h.chars[j]}, children: []*raxNode[V]{post}}
	}
	if j == 0 {
		// The new node takes h's place, and its key if it had one.
		at.isKey, at.value = h.isKey, h.value
		replaceChild(t, parent, h, at)
		return at
	}
	t.nodes++
	h.chars = h.chars[:j:j]
	h.compressed = j > 1
	h.children = []*raxNode[V]{at}
	return at
}

func replaceChild[V any](t *Tree[V], parent, old, new *raxNode[V]) {
	if old == t.root {
		t.root = new
		return
	}
	for k, c := range parent.children {
		if c == old {
			parent.children[k] = new
		}
	}
}

// Delete removes key (raxRemove), freeing the nodes only it needed and
// recompressing the chain that is left, as rax.c does. It reports
// whether the key was there.
func (t *Tree[V]) Delete(key []byte) bool {
	h, i, split, stack := t.walk(key)
	if i != len(key) || split != 0 || !h.isKey {
		return false
	}
	var zero V
	h.isKey, h.value = false, zero
	t.keys--
	tryCompress := false
	if len(h.chars) == 0 {
		var child *raxNode[V]
		for h != t.root {
			child = h
			t.nodes--
			h, stack = stack[len(stack)-1], stack[:len(stack)-1]
			if h.isKey || !h.compressed && len(h.chars) != 1 {
				break
			}
		}
		if child != nil {
			removeChild(h, child)
		}
		if len(h.chars) == 1 && !h.isKey {
			tryCompress = true
		}
	} else if len(h.chars) == 1 {
		tryCompress = true
	}
	if tryCompress {
		t.compress(h, stack)
	}
	return true
}

func removeChild[V any](h, child *raxNode[V]) {
	if h.compressed {
		h.compressed, h.chars, h.children = false, nil, nil
		return
	}
	for k, c := range h.children {
		if c == child {
			h.chars = append(h.chars[:k:k], h.chars[k+1:]...)
			h.children = append(h.children[:k:k], h.children[k+1:]...)
			return
		}
	}
}

// compress merges the chain of single-child nodes around h, none of
// them keys, into one compressed node (the end of raxRemove).
func (t *Tree[V]) compress(h *raxNode[V], stack []*raxNode[V]) {
	var parent *raxNode[V]
	for {
		if len(stack) == 0 {
			parent = nil
			break
		}
		parent, stack = stack[len(stack)-1], stack[:len(stack)-1]
		if parent.isKey || !parent.compressed && len(parent.chars) != 1 {
			break
		}
		h = parent
	}
	start := h
	chars := append([]byte(nil), h.chars...)
	n := 1
	for len(h.chars) != 0 {
		h = h.children[len(h.children)-1]
		if h.isKey || !h.compressed && len(h.chars) != 1 {
			break
		}
		n++
		chars = append(chars, h.chars...)
	}
	if n == 1 {
		return
	}
	merged := &raxNode[V]{compressed: true, chars: chars, children: []*raxNode[V]{h}}
	t.nodes -= n - 1
	if parent == nil {
		t.root = merged
	} else {
		replaceChild(t, parent, start, merged)
	}
}

// Seek returns the first key at or after key (inclusive) or strictly
// after it, with its value.
func (t *Tree[V]) Seek(key []byte, inclusive bool) (k []byte, v V, ok bool) {
	n, k := ceil(t.root, nil, key, inclusive)
	if n == nil {
		return nil, v, false
	}
	return k, n.value, true
}

// SeekBack returns the last key at or before key (inclusive) or strictly
// before it.
func (t *Tree[V]) SeekBack(key []byte, inclusive bool) (k []byte, v V, ok bool) {
	n, k := floor(t.root, nil, key, inclusive)
	if n == nil {
		return nil, v, false
	}
	return k, n.value, true
}

// First and Last are the smallest and largest keys.
func (t *Tree[V]) First() ([]byte, V, bool) { return t.Seek(nil, true) }

// Last is the largest key.
func (t *Tree[V]) Last() (k []byte, v V, ok bool) {
	if t.keys == 0 {
		return nil, v, false
	}
	n, k := maxKey(t.root, nil)
	return k, n.value, true
}

// Each calls fn for each key in order until it returns false.
func (t *Tree[V]) Each(fn func(key []byte, v V) bool) {
	for k, v, ok := t.First(); ok; k, v, ok = t.Seek(k, false) {
		if !fn(k, v) {
			return
		}
	}
}

// edge is the bytes from n to its k-th child.
func edge[V any](n *raxNode[V], k int) []byte {
	if n.compressed {
		return n.chars
	}
	return n.chars[k : k+1]
}

func join(p, e []byte) []byte { return append(append([]byte(nil), p...), e...) }

// minKey is the smallest key in n's subtree, whose path is p.
func minKey[V any](n *raxNode[V], p []byte) (*raxNode[V], []byte) {
	for !n.isKey {
		if len(n.children) == 0 {
			return nil, nil // only an empty root
		}
		p = join(p, edge(n, 0))
		n = n.children[0]
	}
	return n, p
}

func maxKey[V any](n *raxNode[V], p []byte) (*raxNode[V], []byte) {
	for len(n.children) > 0 {
		k := len(n.children) - 1
		p = join(p, edge(n, k))
		n = n.children[k]
	}
	return n, p
}

// ceil finds the smallest key in n's subtree (path p) at or after p+rest.
func ceil[V any](n *raxNode[V], p, rest []byte, inclusive bool) (*raxNode[V], []byte) {
	if len(rest) == 0 {
		if n.isKey && inclusive {
			return n, p
		}
		for k := range n.children {
			if m, mk := minKey(n.children[k], join(p, edge(n, k))); m != nil {
				return m, mk
			}
		}
		return nil, nil
	}
	for k, c := range n.children {
		e := edge(n, k)
		l := min(len(e), len(rest))
		switch cmp := bytes.Compare(e[:l], rest[:l]); {
		case cmp > 0 || cmp == 0 && len(e) > len(rest):
			return minKey(c, join(p, e))
		case cmp == 0:
			if m, mk := ceil(c, join(p, e), rest[len(e):], inclusive); m != nil {
				return m, mk
			}
		}
	}
	return nil, nil
}

// floor finds the largest key in n's subtree (path p) at or before p+rest.
func floor[V any](n *raxNode[V], p, rest []byte, inclusive bool) (*raxNode[V], []byte) {
	if len(rest) == 0 {
		if n.isKey && inclusive {
			return n, p
		}
		return nil, nil
	}
	for k := len(n.children) - 1; k >= 0; k-- {
		e := edge(n, k)
		l := min(len(e), len(rest))
		switch cmp := bytes.Compare(e[:l], rest[:l]); {
		case cmp < 0:
			return maxKey(n.children[k], join(p, e))
		case cmp == 0 && len(e) <= len(rest):
			if m, mk := floor(n.children[k], join(p, e), rest[len(e):], inclusive); m != nil {
				return m, mk
			}
		}
	}
	if n.isKey {
		return n, p
	}
	return nil, nil
}
