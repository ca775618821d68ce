package stream

import (
	"errors"
	"fmt"

	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

// ToRDB is the stream in the RDB codec's terms (chapter 12): its nodes as
// they are (tombstones included), counters, groups, pending entries and
// consumers. The slices alias s: encode before s changes.
func (s *Stream) ToRDB() rdb.Stream {
	out := rdb.Stream{Length: uint64(s.length), LastID: toRDBID(s.lastID), FirstID: toRDBID(s.firstID),
		MaxDeletedID: toRDBID(s.maxDeletedID), EntriesAdded: uint64(s.entriesAdded)}
	s.rax.Each(func(_ []byte, n *node) bool {
		rn := rdb.StreamNode{Master: toRDBID(n.master), MasterFields: n.fields, Entries: make([]rdb.StreamEntry, len(n.entries))}
		for i := range n.entries {
			e := &n.entries[i]
			rn.Entries[i] = rdb.StreamEntry{ID: toRDBID(n.id(e)), Deleted: e.flags&flagDeleted != 0,
				Fields: n.fieldsOf(e), Values: e.values}
		}
		out.Nodes = append(out.Nodes, rn)
		return true
	})
	s.EachGroup(func(g *Group) {
		rg := rdb.StreamGroup{Name: []byte(g.Name), LastID: toRDBID(g.LastID), EntriesRead: g.EntriesRead}
		g.pel.Each(func(k []byte, n *NACK) bool {
			rg.PEL = append(rg.PEL, rdb.StreamNACK{ID: toRDBID(IDFromKey(k)), DeliveryTime: n.DeliveryTime,
				DeliveryCount: uint64(n.DeliveryCount)})
			return true
		})
		g.EachConsumer(func(c *Consumer) {
			rc := rdb.StreamConsumer{Name: []byte(c.Name), SeenTime: c.SeenTime}
			c.pel.Each(func(k []byte, _ *NACK) bool {
				rc.PEL = append(rc.PEL, toRDBID(IDFromKey(k)))
				return true
			})
			rg.Consumers = append(rg.Consumers, rc)
		})
		out.Groups = append(out.Groups, rg)
	})
	return out
}

// FromRDB builds a stream from a loaded one, node by node as it was
// saved, so that its layout (and a later DUMP) stays Redis's. It checks
// what the codec cannot: nodes in ID order, a consumer's pending entry
// owned once.
func FromRDB(v rdb.Stream) (*Stream, error) {
	s := New()
	var prev ID
	var live int64
	for i, rn := range v.Nodes {
		n := newNode(fromRDBID(rn.Master), copyAll(rn.MasterFields))
		if i > 0 && n.master.Compare(prev) <= 0 {
			return nil, errors.New("stream nodes out of order")
		}
		for _, re := range rn.Entries {
			id := fromRDBID(re.ID)
			if id.Compare(prev) <= 0 && (i > 0 || len(n.entries) > 0) {
				return nil, errors.New("stream entries out of order")
			}
			prev = id
			n.append(id, copyAll(re.Fields), copyAll(re.Values))
			if re.Deleted {
				n.markDeleted(len(n.entries) - 1)
			} else {
				live++
			}
		}
		k := n.master.Key()
		s.rax.Set(k[:], n)
	}
	if live != int64(v.Length) {
		return nil, fmt.Errorf("stream length %d, but %d live entries", v.Length, live)
	}
	s.length, s.lastID, s.firstID = live, fromRDBID(v.LastID), fromRDBID(v.FirstID)
	s.maxDeletedID, s.entriesAdded = fromRDBID(v.MaxDeletedID), int64(v.EntriesAdded)
	for _, rg := range v.Groups {
		g := s.CreateGroup(rg.Name, fromRDBID(rg.LastID), rg.EntriesRead)
		if g == nil {
			return nil, fmt.Errorf("duplicate consumer group %q", rg.Name)
		}
		nacks := map[ID]*NACK{}
		for _, p := range rg.PEL {
			id := fromRDBID(p.ID)
			n := &NACK{DeliveryTime: p.DeliveryTime, DeliveryCount: int64(p.DeliveryCount)}
			k := id.Key()
			g.pel.Set(k[:], n)
			nacks[id] = n
		}
		for _, rc := range rg.Consumers {
			c := g.CreateConsumer(rc.Name, rc.SeenTime)
			if c == nil {
				return nil, fmt.Errorf("duplicate consumer %q in group %q", rc.Name, rg.Name)
			}
			for _, rid := range rc.PEL {
				id := fromRDBID(rid)
				n := nacks[id]
				if n == nil || n.Consumer != nil {
					return nil, fmt.Errorf("pending entry %s of consumer %q is not the group's or has another owner", id, rc.Name)
				}
				g.moveTo(id, n, c)
			}
		}
		var orphan bool
		g.pel.Each(func(_ []byte, n *NACK) bool { orphan = n.Consumer == nil; return !orphan })
		if orphan {
			return nil, fmt.Errorf("a pending entry of group %q has no consumer", rg.Name)
		}
	}
	return s, nil
}

// RDBKind converts streams for chapter 12's RDB files, DUMP and RESTORE:
// it is the rdbvalue.Kind a server with streams adds to its types.
type RDBKind struct{}

// ToRDB is v's RDB form when v is a stream.
func (RDBKind) ToRDB(v any) (rdb.Value, bool) {
	s, ok := v.(*Stream)
	if !ok {
		return nil, false
	}
	return s.ToRDB(), true
}

// FromRDB builds a stream from v when v is one.
func (RDBKind) FromRDB(v rdb.Value) (any, bool, error) {
	rs, ok := v.(rdb.Stream)
	if !ok {
		return nil, false, nil
	}
	s, err := FromRDB(rs)
	if err != nil {
		return nil, true, err
	}
	return s, true, nil
}

func toRDBID(id ID) rdb.StreamID   { return rdb.StreamID{Ms: id.Ms, Seq: id.Seq} }
func fromRDBID(id rdb.StreamID) ID { return ID{Ms: id.Ms, Seq: id.Seq} }
