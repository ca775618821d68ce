package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Stream is a stream value as Redis 7 saves it: its nodes (each a
// listpack of entries in Redis's node layout), its counters and its
// consumer groups.
type Stream struct {
	Nodes        []StreamNode
	Length       uint64 // live entries
	LastID       StreamID
	FirstID      StreamID // the first live entry; 0-0 when empty
	MaxDeletedID StreamID
	EntriesAdded uint64
	Groups       []StreamGroup
}

// StreamID is an entry ID, milliseconds and sequence.
type StreamID struct{ Ms, Seq uint64 }

// StreamNode is one node of the stream's radix tree: the entries from
// Master on, deleted ones (tombstones) included, and the master entry's
// fields, which entries with the same fields do not repeat.
type StreamNode struct {
	Master       StreamID
	MasterFields [][]byte
	Entries      []StreamEntry
}

// StreamEntry is one entry of a node.
type StreamEntry struct {
	ID             StreamID
	Deleted        bool
	Fields, Values [][]byte
}

// StreamGroup is a consumer group with its pending entries and consumers.
type StreamGroup struct {
	Name        []byte
	LastID      StreamID
	EntriesRead int64 // -1 when unknown
	PEL         []StreamNACK
	Consumers   []StreamConsumer
}

// StreamNACK is a pending entry of a group: delivered, not acknowledged.
type StreamNACK struct {
	ID            StreamID
	DeliveryTime  int64 // Unix ms
	DeliveryCount uint64
}

// StreamConsumer is a consumer and the IDs of the group's pending
// entries it owns.
type StreamConsumer struct {
	Name     []byte
	SeenTime int64 // Unix ms
	PEL      []StreamID
}

func (Stream) isValue() {}

// Entry flags of a stream node (t_stream.c).
const (
	streamFlagDeleted    = 1
	streamFlagSameFields = 2
)

// appendID appends an ID as the 16 big-endian bytes Redis uses as a
// radix tree key.
func appendID(dst []byte, id StreamID) []byte {
	dst = binary.BigEndian.AppendUint64(dst, id.Ms)
	return binary.BigEndian.AppendUint64(dst, id.Seq)
}

// nodeListpack builds a node's listpack as streamAppendItem does:
//
//	master entry: count | deleted | num-fields | field... | 0
//	each entry:   flags | ms-delta | seq-delta | [num-fields field value ...] or [value ...] | lp-count
func nodeListpack(n StreamNode) []byte {
	itoa := func(v int64) []byte { return strconv.AppendInt(nil, v, 10) }
	live, deleted := 0, 0
	for _, e := range n.Entries {
		if e.Deleted {
			deleted++
		} else {
			live++
		}
	}
	elems := [][]byte{itoa(int64(live)), itoa(int64(deleted)), itoa(int64(len(n.MasterFields)))}
	elems = append(elems, n.MasterFields...)
	elems = append(elems, itoa(0))
	for _, e := range n.Entries {
		flags := int64(0)
		if e.Deleted {
			flags |= streamFlagDeleted
		}
		same := sameFields(e.Fields, n.MasterFields)
		if same {
			flags |= streamFlagSameFields
		}
		elems = append(elems, itoa(flags), itoa(int64(e.ID.Ms-n.Master.Ms)), itoa(int64(e.ID.Seq-n.Master.Seq)))
		count := len(e.Values) + 3
		if same {
			elems = append(elems, e.Values...)
		} else {
			elems = append(elems, itoa(int64(len(e.Fields))))
			for i := range e.Fields {
				elems = append(elems, e.Fields[i], e.Values[i])
			}
			count += len(e.Fields) + 1
		}
		elems = append(elems, itoa(int64(count)))
	}
	return buildListpack(elems)
}

func sameFields(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i]) != string(b[i]) {
			return false
		}
	}
	return true
}

// appendStream appends a stream as RDB_TYPE_STREAM_LISTPACKS_2, Redis
// 7.0's form (rdbSaveObject).
func (e *Encoder) appendStream(dst []byte, s Stream) []byte {
	dst = appendLen(dst, uint64(len(s.Nodes)))
	for _, n := range s.Nodes {
		dst = e.appendString(dst, appendID(nil, n.Master))
		dst = e.appendString(dst, nodeListpack(n))
	}
	dst = appendLen(dst, s.Length)
	for _, id := range []StreamID{s.LastID, s.FirstID, s.MaxDeletedID} {
		dst = appendLen(appendLen(dst, id.Ms), id.Seq)
	}
	dst = appendLen(dst, s.EntriesAdded)
	dst = appendLen(dst, uint64(len(s.Groups)))
	for _, g := range s.Groups {
		dst = e.appendString(dst, g.Name)
		dst = appendLen(appendLen(dst, g.LastID.Ms), g.LastID.Seq)
		dst = appendLen(dst, uint64(g.EntriesRead))
		dst = appendLen(dst, uint64(len(g.PEL)))
		for _, p := range g.PEL {
			dst = appendID(dst, p.ID)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(p.DeliveryTime))
			dst = appendLen(dst, p.DeliveryCount)
		}
		dst = appendLen(dst, uint64(len(g.Consumers)))
		for _, c := range g.Consumers {
			dst = e.appendString(dst, c.Name)
			dst = binary.LittleEndian.AppendUint64(dst, uint64(c.SeenTime))
			dst = appendLen(dst, uint64(len(c.PEL)))
			for _, id := range c.PEL {
				dst = appendID(dst, id)
			}
		}
	}
	return dst
}

var errStream = errors.New("corrupt stream")

// readStreamID reads a length-encoded ID.
func (r *reader) readStreamID() (StreamID, error) {
	ms, err := r.readCount()
	if err != nil {
		return StreamID{}, err
	}
	seq, err := r.readCount()
	return StreamID{ms, seq}, err
}

// readRawID reads a 16-byte big-endian ID.
func (r *reader) readRawID() (StreamID, error) {
	p, err := r.fixed(16)
	if err != nil {
		return StreamID{}, err
	}
	return StreamID{binary.BigEndian.Uint64(p), binary.BigEndian.Uint64(p[8:])}, nil
}

// readStream reads RDB_TYPE_STREAM_LISTPACKS (Redis 5 and 6), _2 (7.0
// and 7.1) and _3 (7.2 on, with each consumer's active time).
func (r *reader) readStream(t byte) (Value, error) {
	var s Stream
	nodes, err := r.readCount()
	if err != nil {
		return nil, err
	}
	for range nodes {
		key, err := r.readString()
		if err != nil {
			return nil, err
		}
		if len(key) != 16 {
			return nil, fmt.Errorf("%w: node key of %d bytes", errStream, len(key))
		}
		lp, err := r.readString()
		if err != nil {
			return nil, err
		}
		master := StreamID{binary.BigEndian.Uint64(key), binary.BigEndian.Uint64(key[8:])}
		n, err := parseStreamNode(master, lp)
		if err != nil {
			return nil, err
		}
		s.Nodes = append(s.Nodes, n)
	}
	if s.Length, err = r.readCount(); err != nil {
		return nil, err
	}
	if s.LastID, err = r.readStreamID(); err != nil {
		return nil, err
	}
	if t >= typeStreamListpacks2 {
		if s.FirstID, err = r.readStreamID(); err != nil {
			return nil, err
		}
		if s.MaxDeletedID, err = r.readStreamID(); err != nil {
			return nil, err
		}
		if s.EntriesAdded, err = r.readCount(); err != nil {
			return nil, err
		}
	} else {
		// Redis 6 kept neither: the first live entry, and every entry
		// counted as added.
		s.EntriesAdded = s.Length
		for _, n := range s.Nodes {
			if i := firstLive(n); i >= 0 {
				s.FirstID = n.Entries[i].ID
				break
			}
		}
	}
	groups, err := r.readCount()
	if err != nil {
		return nil, err
	}
	for range groups {
		g, err := r.readGroup(t)
		if err != nil {
			return nil, err
		}
		s.Groups = append(s.Groups, g)
	}
	return s, nil
}

func firstLive(n StreamNode) int {
	for i, e := range n.Entries {
		if !e.Deleted {
			return i
		}
	}
	return -1
}

func (r *reader) readGroup(t byte) (StreamGroup, error) {
	var g StreamGroup
	var err error
	if g.Name, err = r.readString(); err != nil {
		return g, err
	}
	if g.LastID, err = r.readStreamID(); err != nil {
		return g, err
	}
	g.EntriesRead = -1
	if t >= typeStreamListpacks2 {
		n, err := r.readCount()
		if err != nil {
			return g, err
		}
		g.EntriesRead = int64(n)
	}
	pending, err := r.readCount()
	if err != nil {
		return g, err
	}
	inPEL := map[StreamID]bool{}
	for range pending {
		var p StreamNACK
		if p.ID, err = r.readRawID(); err != nil {
			return g, err
		}
		b, err := r.fixed(8)
		if err != nil {
			return g, err
		}
		p.DeliveryTime = int64(binary.LittleEndian.Uint64(b))
		if p.DeliveryCount, err = r.readCount(); err != nil {
			return g, err
		}
		if inPEL[p.ID] {
			return g, fmt.Errorf("%w: entry %d-%d pending twice", errStream, p.ID.Ms, p.ID.Seq)
		}
		inPEL[p.ID] = true
		g.PEL = append(g.PEL, p)
	}
	consumers, err := r.readCount()
	if err != nil {
		return g, err
	}
	for range consumers {
		var c StreamConsumer
		if c.Name, err = r.readString(); err != nil {
			return g, err
		}
		b, err := r.fixed(8)
		if err != nil {
			return g, err
		}
		c.SeenTime = int64(binary.LittleEndian.Uint64(b))
		if t >= typeStreamListpacks3 { // active-time, which gocache does not keep
			if _, err := r.fixed(8); err != nil {
				return g, err
			}
		}
		owned, err := r.readCount()
		if err != nil {
			return g, err
		}
		for range owned {
			id, err := r.readRawID()
			if err != nil {
				return g, err
			}
			if !inPEL[id] {
				return g, fmt.Errorf("%w: consumer's pending entry %d-%d is not in the group's", errStream, id.Ms, id.Seq)
			}
			c.PEL = append(c.PEL, id)
		}
		g.Consumers = append(g.Consumers, c)
	}
	return g, nil
}

// parseStreamNode reads a node's listpack back into entries.
func parseStreamNode(master StreamID, lp []byte) (StreamNode, error) {
	elems, err := parseListpack(lp)
	if err != nil {
		return StreamNode{}, err
	}
	n := StreamNode{Master: master}
	num := func() (int64, bool) {
		if len(elems) == 0 {
			return 0, false
		}
		v, ok := resp.ParseInt(elems[0])
		elems = elems[1:]
		return v, ok
	}
	take := func(k int64) ([][]byte, bool) {
		if k < 0 || k > int64(len(elems)) {
			return nil, false
		}
		out := elems[:k:k]
		elems = elems[k:]
		return out, true
	}
	live, ok1 := num()
	deleted, ok2 := num()
	nf, ok3 := num()
	fields, ok4 := take(nf)
	zero, ok5 := num()
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || zero != 0 || live < 0 || deleted < 0 {
		return n, fmt.Errorf("%w: bad master entry", errStream)
	}
	n.MasterFields = fields
	var seen [2]int64
	for len(elems) > 0 {
		flags, ok1 := num()
		dms, ok2 := num()
		dseq, ok3 := num()
		if !(ok1 && ok2 && ok3) || flags&^3 != 0 {
			return n, fmt.Errorf("%w: bad entry", errStream)
		}
		e := StreamEntry{ID: StreamID{master.Ms + uint64(dms), master.Seq + uint64(dseq)}, Deleted: flags&streamFlagDeleted != 0}
		count := int64(3)
		if flags&streamFlagSameFields != 0 {
			vals, ok := take(nf)
			if !ok {
				return n, fmt.Errorf("%w: short entry", errStream)
			}
			e.Fields, e.Values = fields, vals
			count += nf
		} else {
			k, ok := num()
			pairs, ok2 := take(2 * k)
			if !ok || !ok2 {
				return n, fmt.Errorf("%w: short entry", errStream)
			}
			for i := 0; i < len(pairs); i += 2 {
				e.Fields = append(e.Fields, pairs[i])
				e.Values = append(e.Values, pairs[i+1])
			}
			count += 2*k + 1
		}
		if lpc, ok := num(); !ok || lpc != count {
			return n, fmt.Errorf("%w: lp-count does not match the entry", errStream)
		}
		if k := len(n.Entries); k > 0 && !idLess(n.Entries[k-1].ID, e.ID) {
			return n, fmt.Errorf("%w: entries out of order", errStream)
		}
		if e.Deleted {
			seen[1]++
		} else {
			seen[0]++
		}
		n.Entries = append(n.Entries, e)
	}
	if seen[0] != live || seen[1] != deleted || len(n.Entries) == 0 {
		return n, fmt.Errorf("%w: the master entry's counts do not match the node", errStream)
	}
	return n, nil
}

func idLess(a, b StreamID) bool { return a.Ms < b.Ms || a.Ms == b.Ms && a.Seq < b.Seq }
