package stream

import "github.com/gocache/gocache/chapters/02-resp/resp"

// Entry flags, as in t_stream.c.
const (
	flagDeleted    = 1 << 0 // a tombstone: XDEL or an exact trim removed it
	flagSameFields = 1 << 1 // the entry's fields are the master entry's
)

// node is one listpack of the stream: the entries from its master ID
// (its key in the radix tree) on, in ID order. Redis writes a node as
//
//	master entry: count | deleted | num-fields | field... | 0
//	each entry:   flags | ms-delta | seq-delta | [num-fields field...] value... | lp-count
//
// The first entry added to a node gives the master entry its fields, and
// every later entry with the same fields stores only its values (the
// SAMEFIELDS flag). IDs are stored as differences from the master ID.
// Deleted entries stay in place, flagged, until the whole node goes.
//
// Here the elements are Go values, but size keeps the byte count the
// listpack would have (lpBytes), because that is what decides, as in
// Redis, when an XADD starts a new node (stream-node-max-bytes).
type node struct {
	master  ID
	fields  [][]byte // the master entry's fields
	entries []entry
	live    int // count: entries not deleted
	deleted int // entries flagged deleted
	size    int // lpBytes of the listpack Redis would build
}

// entry is one stream entry inside a node.
type entry struct {
	msDelta, seqDelta uint64
	flags             byte
	fields            [][]byte // nil with flagSameFields
	values            [][]byte
}

// id is the entry's ID in node n.
func (n *node) id(e *entry) ID { return ID{n.master.Ms + e.msDelta, n.master.Seq + e.seqDelta} }

// fieldsOf is the entry's field names.
func (n *node) fieldsOf(e *entry) [][]byte {
	if e.flags&flagSameFields != 0 {
		return n.fields
	}
	return e.fields
}

// listpack sizes: a 6-byte header and a 1-byte terminator around the
// elements, each element its encoding and data followed by a backlen of
// 1 to 5 bytes.
const lpOverhead = 7

func lpElemSize(encoded int) int {
	switch {
	case encoded <= 127:
		return encoded + 1
	case encoded < 16383:
		return encoded + 2
	case encoded < 2097151:
		return encoded + 3
	case encoded < 268435455:
		return encoded + 4
	}
	return encoded + 5
}

// lpIntSize is the size of an integer element (lpEncodeIntegerGetType).
func lpIntSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return lpElemSize(1)
	case v >= -4096 && v <= 4095:
		return lpElemSize(2)
	case v >= -32768 && v <= 32767:
		return lpElemSize(3)
	case v >= -8388608 && v <= 8388607:
		return lpElemSize(4)
	case v >= -2147483648 && v <= 2147483647:
		return lpElemSize(5)
	}
	return lpElemSize(9)
}

// lpStrSize is the size of a string element: listpack stores one that
// reads as an integer as that integer.
func lpStrSize(b []byte) int {
	if v, ok := resp.ParseInt(b); ok {
		return lpIntSize(v)
	}
	switch n := len(b); {
	case n < 64:
		return lpElemSize(1 + n)
	case n < 4096:
		return lpElemSize(2 + n)
	default:
		return lpElemSize(5 + n)
	}
}

// newNode starts a node whose master entry takes the fields of the
// first entry, id.
func newNode(id ID, fields [][]byte) *node {
	n := &node{master: id, fields: fields}
	n.size = lpOverhead + lpIntSize(0) + lpIntSize(0) + lpIntSize(int64(len(fields))) + lpIntSize(0)
	for _, f := range fields {
		n.size += lpStrSize(f)
	}
	return n
}

// sameFields reports whether fields are the master entry's.
func (n *node) sameFields(fields [][]byte) bool {
	if len(fields) != len(n.fields) {
		return false
	}
	for i := range fields {
		if string(fields[i]) != string(n.fields[i]) {
			return false
		}
	}
	return true
}

// append adds an entry at the end of the node.
func (n *node) append(id ID, fields, values [][]byte) {
	e := entry{msDelta: id.Ms - n.master.Ms, seqDelta: id.Seq - n.master.Seq, values: values}
	lpCount := len(values) + 3
	size := lpIntSize(int64(e.msDelta)) + lpIntSize(int64(e.seqDelta))
	if n.sameFields(fields) {
		e.flags = flagSameFields
	} else {
		e.fields = fields
		lpCount += len(fields) + 1
		size += lpIntSize(int64(len(fields)))
		for _, f := range fields {
			size += lpStrSize(f)
		}
	}
	for _, v := range values {
		size += lpStrSize(v)
	}
	size += lpIntSize(int64(e.flags)) + lpIntSize(int64(lpCount))
	n.entries = append(n.entries, e)
	n.setCounts(n.live+1, n.deleted)
	n.size += size
}

// setCounts changes the master entry's count and deleted fields.
func (n *node) setCounts(live, deleted int) {
	n.size += lpIntSize(int64(live)) - lpIntSize(int64(n.live)) + lpIntSize(int64(deleted)) - lpIntSize(int64(n.deleted))
	n.live, n.deleted = live, deleted
}

// markDeleted flags entry i as deleted (the flags element keeps its
// one byte: flags are at most 3).
func (n *node) markDeleted(i int) {
	n.entries[i].flags |= flagDeleted
	n.setCounts(n.live-1, n.deleted+1)
}

// find returns the index of the entry with id, live or not, or -1.
func (n *node) find(id ID) int {
	lo, hi := 0, len(n.entries)
	for lo < hi {
		m := (lo + hi) / 2
		if n.id(&n.entries[m]).Less(id) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(n.entries) && n.id(&n.entries[lo]) == id {
		return lo
	}
	return -1
}

// lastID is the ID of the node's last entry, deleted or not
// (lpGetEdgeStreamID).
func (n *node) lastID() ID { return n.id(&n.entries[len(n.entries)-1]) }
