// Package stream is Redis's stream type (t_stream.c): entries with IDs
// in a radix tree of listpack-like nodes, consumer groups with their
// pending entries, and the X commands over them.
package stream

// Defaults of stream-node-max-bytes and stream-node-max-entries.
const (
	DefaultNodeMaxBytes   = 4096
	DefaultNodeMaxEntries = 100
	// listpackMaxSize is STREAM_LISTPACK_MAX_SIZE: no node, and no
	// entry, grows past 1 GiB.
	listpackMaxSize = 1 << 30
)

// Stream is one stream value.
type Stream struct {
	rax          *Tree[*node] // master ID key -> node
	length       int64        // live entries
	lastID       ID           // the last ID ever added (or set by XSETID)
	firstID      ID           // the first live entry, 0-0 when empty
	maxDeletedID ID           // the largest ID XDEL removed
	entriesAdded int64        // entries ever added
	groups       *Tree[*Group]
	tail         *node // the last node, where XADD appends; nil: look it up
}

// New returns an empty stream.
func New() *Stream { return &Stream{rax: NewTree[*node]()} }

// Len is XLEN.
func (s *Stream) Len() int64 { return s.length }

// LastID is the last generated ID.
func (s *Stream) LastID() ID { return s.lastID }

// Limits are the node size limits new entries obey.
type Limits struct {
	MaxBytes, MaxEntries int
}

// Append errors.
const (
	ErrIDTooSmall  = "ERR The ID specified in XADD is equal or smaller than the target stream top item"
	ErrTooLarge    = "ERR Elements are too large to be stored"
	ErrIDExhausted = "ERR The stream has exhausted the last possible ID, unable to add more items"
)

// NextID is the ID XADD * (or ms-* when ms is given) takes: the clock,
// or, when the clock is behind the last ID, that ID's milliseconds with
// the next sequence, so IDs only grow (streamNextID).
func (s *Stream) NextID(now uint64) (ID, bool) {
	if now > s.lastID.Ms {
		return ID{now, 0}, true
	}
	return s.lastID.Next()
}

// Append is streamAppendItem: it adds the entry id with the fields and
// values (copied) and returns "" or the error reply. The caller has
// resolved * and ms-* to id.
func (s *Stream) Append(id ID, fields, values [][]byte, lim Limits) string {
	if id.Compare(s.lastID) <= 0 {
		return ErrIDTooSmall
	}
	total := 0
	for i := range fields {
		total += len(fields[i]) + len(values[i])
	}
	if total > listpackMaxSize {
		return ErrTooLarge
	}
	fields, values = copyAll(fields), copyAll(values)
	maxBytes := lim.MaxBytes
	if maxBytes <= 0 || maxBytes > listpackMaxSize {
		maxBytes = listpackMaxSize
	}
	n, ok := s.tail, s.tail != nil
	if !ok {
		_, n, ok = s.rax.Last()
	}
	if ok && (n.size+total >= maxBytes ||
		lim.MaxEntries > 0 && n.live+n.deleted >= lim.MaxEntries) {
		ok = false
	}
	if !ok {
		n = newNode(id, fields)
		k := id.Key()
		s.rax.Set(k[:], n)
	}
	s.tail = n
	n.append(id, fields, values)
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
	return ""
}

func copyAll(bs [][]byte) [][]byte {
	size := 0
	for _, b := range bs {
		size += len(b)
	}
	buf := make([]byte, 0, size)
	out := make([][]byte, len(bs))
	for i, b := range bs {
		buf = append(buf, b...)
		out[i] = buf[len(buf)-len(b) : len(buf) : len(buf)]
	}
	return out
}

// Entry is one entry as the commands see it.
type Entry struct {
	ID             ID
	Fields, Values [][]byte
}

// Range calls fn for each live entry with an ID in [start, end], in ID
// order or in reverse (streamIterator), until fn returns false.
func (s *Stream) Range(start, end ID, rev bool, fn func(e Entry) bool) {
	s.scan(start, end, rev, false, func(n *node, i int) bool {
		e := &n.entries[i]
		return fn(Entry{n.id(e), n.fieldsOf(e), e.values})
	})
}

// scan visits the entries with IDs in [start, end] node by node: fn gets
// the node and the entry's index, and returns false to stop. Tombstones
// are skipped unless withDeleted.
func (s *Stream) scan(start, end ID, rev, withDeleted bool, fn func(n *node, i int) bool) {
	if start.Compare(end) > 0 {
		return
	}
	sk, ek := start.Key(), end.Key()
	var k []byte
	var n *node
	var ok bool
	if !rev {
		// The node holding start begins at or before it.
		if k, n, ok = s.rax.SeekBack(sk[:], true); !ok {
			k, n, ok = s.rax.Seek(sk[:], true)
		}
	} else {
		k, n, ok = s.rax.SeekBack(ek[:], true)
	}
	for ok {
		if !rev {
			if end.Less(n.master) {
				return
			}
			for i := range n.entries {
				e := &n.entries[i]
				if e.flags&flagDeleted != 0 && !withDeleted {
					continue
				}
				id := n.id(e)
				if id.Less(start) {
					continue
				}
				if end.Less(id) {
					return
				}
				if !fn(n, i) {
					return
				}
			}
			k, n, ok = s.rax.Seek(k, false)
		} else {
			for i := len(n.entries) - 1; i >= 0; i-- {
				e := &n.entries[i]
				if e.flags&flagDeleted != 0 && !withDeleted {
					continue
				}
				id := n.id(e)
				if end.Less(id) {
					continue
				}
				if id.Less(start) {
					return
				}
				if !fn(n, i) {
					return
				}
			}
			k, n, ok = s.rax.SeekBack(k, false)
		}
	}
}

// Get returns the live entry id.
func (s *Stream) Get(id ID) (e Entry, ok bool) {
	s.Range(id, id, false, func(x Entry) bool { e, ok = x, true; return false })
	return e, ok
}

// Exists is streamEntryExists.
func (s *Stream) Exists(id ID) bool {
	_, ok := s.Get(id)
	return ok
}

// edge is streamGetEdgeID: the first (or last) entry's ID, tombstones
// included unless skipDeleted; MaxID (first) or 0-0 (last) when none.
func (s *Stream) edge(first, skipDeleted bool) ID {
	id := ID{}
	if first {
		id = MaxID
	}
	s.scan(ID{}, MaxID, !first, !skipDeleted, func(n *node, i int) bool {
		id = n.id(&n.entries[i])
		return false
	})
	return id
}

// LastValidID is streamLastValidID: the last live entry's ID, 0-0 if none.
func (s *Stream) LastValidID() ID { return s.edge(false, true) }

// Delete is streamDeleteItem plus XDEL's bookkeeping: it removes the
// live entry id, leaving a tombstone or dropping a node that has no
// live entry left.
func (s *Stream) Delete(id ID) bool {
	key := id.Key()
	k, n, ok := s.rax.SeekBack(key[:], true)
	if !ok {
		return false
	}
	i := n.find(id)
	if i < 0 || n.entries[i].flags&flagDeleted != 0 {
		return false
	}
	s.removeAt(k, n, i)
	return true
}

// removeAt deletes entry i of node n (key k): the last live entry takes
// the node with it (streamIteratorRemoveEntry).
func (s *Stream) removeAt(k []byte, n *node, i int) {
	s.length--
	if n.live == 1 {
		s.dropNode(k, n)
		return
	}
	n.markDeleted(i)
}

// dropNode removes node n, at key k, from the tree.
func (s *Stream) dropNode(k []byte, n *node) {
	s.rax.Delete(k)
	if n == s.tail {
		s.tail = nil
	}
}

// DeleteIDs is XDEL: the number of ids removed, keeping the first and
// the max-deleted IDs up to date.
func (s *Stream) DeleteIDs(ids []ID) int {
	deleted, first := 0, false
	for _, id := range ids {
		if !s.Delete(id) {
			continue
		}
		if id == s.firstID {
			first = true
		}
		if id.Compare(s.maxDeletedID) > 0 {
			s.maxDeletedID = id
		}
		deleted++
	}
	if deleted > 0 {
		if s.length == 0 {
			s.firstID = ID{}
		} else if first {
			s.firstID = s.edge(true, true)
		}
	}
	return deleted
}

// Trim strategies.
const (
	TrimNone = iota
	TrimMaxLen
	TrimMinID
)

// Trim says how to trim: by length or by lowest ID, exactly or only
// whole nodes (Approx), with at most Limit entries removed (0: no limit).
type Trim struct {
	Strategy int
	MaxLen   int64
	MinID    ID
	Approx   bool
	Limit    int64
}

// Trim is streamTrim: whole nodes go while they can; then, unless the
// trim is approximate, entries of the next node are flagged deleted.
// It returns how many entries were removed.
func (s *Stream) Trim(t Trim) int64 {
	if t.Strategy == TrimNone {
		return 0
	}
	var deleted int64
	for k, n, ok := s.rax.First(); ok; k, n, ok = s.rax.Seek(k, true) {
		if t.Strategy == TrimMaxLen && s.length <= t.MaxLen {
			break
		}
		live := int64(n.live)
		if t.Limit > 0 && deleted+live > t.Limit {
			break
		}
		var whole bool
		if t.Strategy == TrimMaxLen {
			whole = s.length-live >= t.MaxLen
		} else {
			whole = n.lastID().Less(t.MinID)
		}
		if whole {
			s.dropNode(k, n)
			s.length -= live
			deleted += live
			continue
		}
		if t.Approx {
			break
		}
		for i := range n.entries {
			e := &n.entries[i]
			if t.Strategy == TrimMaxLen && s.length <= t.MaxLen ||
				t.Strategy == TrimMinID && n.id(e).Compare(t.MinID) >= 0 {
				break
			}
			if e.flags&flagDeleted == 0 {
				n.markDeleted(i)
				s.length--
				deleted++
			}
		}
		break
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if deleted > 0 {
		s.firstID = s.edge(true, true)
	}
	return deleted
}

// FirstIDWithTombstones is what a MINID trim is rewritten to for the
// AOF: the first entry's ID, deleted or not (streamGetEdgeID(s,1,0)).
func (s *Stream) FirstIDWithTombstones() ID { return s.edge(true, false) }

// SetID is XSETID's change, after its checks.
func (s *Stream) SetID(id ID, entriesAdded int64, maxDeleted ID) {
	s.lastID = id
	if entriesAdded >= 0 {
		s.entriesAdded = entriesAdded
	}
	if !maxDeleted.IsZero() {
		s.maxDeletedID = maxDeleted
	}
}

// rangeHasTombstones is streamRangeHasTombstones: whether a deleted
// entry may lie in [start, MaxID].
func (s *Stream) rangeHasTombstones(start ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() {
		return false
	}
	if s.firstID.Compare(s.maxDeletedID) > 0 {
		return false
	}
	return start.Compare(s.maxDeletedID) <= 0
}

// invalidEntriesRead is SCG_INVALID_ENTRIES_READ.
const invalidEntriesRead = -1

// estimateDistance is streamEstimateDistanceFromFirstEverEntry: the
// entries-read counter of id when it can be known, else -1.
func (s *Stream) estimateDistance(id ID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if s.length == 0 && id.Compare(s.lastID) < 1 {
		return s.entriesAdded
	}
	switch c := id.Compare(s.lastID); {
	case c == 0:
		return s.entriesAdded
	case c > 0:
		return invalidEntriesRead
	}
	cmpFirst := id.Compare(s.firstID)
	if s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		if cmpFirst < 0 {
			return s.entriesAdded - s.length
		} else if cmpFirst == 0 {
			return s.entriesAdded - s.length + 1
		}
	}
	return invalidEntriesRead
}

// lag is streamReplyWithCGLag's figure; ok is false when it is unknown.
func (s *Stream) lag(g *Group) (int64, bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if g.EntriesRead != invalidEntriesRead && !s.rangeHasTombstones(g.LastID) {
		return s.entriesAdded - g.EntriesRead, true
	}
	if read := s.estimateDistance(g.LastID); read != invalidEntriesRead {
		return s.entriesAdded - read, true
	}
	return 0, false
}
