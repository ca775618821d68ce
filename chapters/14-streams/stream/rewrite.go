package stream

import (
	"strconv"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// AppendRewrite is rewriteStreamObject: an XADD per entry (an empty
// stream is made by XADD MAXLEN 0 of a throwaway entry), an XSETID that
// restores the last ID and the counters, and per group an XGROUP CREATE
// with its counter, an XCLAIM per pending entry and XGROUP
// CREATECONSUMER for each consumer that owns none.
func (s *Stream) AppendRewrite(dst []byte, key string) []byte {
	k := []byte(key)
	if s.length > 0 {
		s.Range(ID{}, MaxID, false, func(e Entry) bool {
			dst = resp.AppendArrayHeader(dst, 3+2*len(e.Fields))
			dst = appendBulks(dst, []byte("XADD"), k, e.ID.Append(nil))
			for i := range e.Fields {
				dst = appendBulks(dst, e.Fields[i], e.Values[i])
			}
			return true
		})
	} else {
		dst = appendCommand(dst, "XADD", k, []byte("MAXLEN"), []byte("0"), []byte("0-1"), []byte("x"), []byte("y"))
	}
	dst = appendCommand(dst, "XSETID", k, s.lastID.Append(nil),
		[]byte("ENTRIESADDED"), strconv.AppendInt(nil, s.entriesAdded, 10),
		[]byte("MAXDELETEDID"), s.maxDeletedID.Append(nil))
	s.EachGroup(func(g *Group) {
		name := []byte(g.Name)
		dst = appendCommand(dst, "XGROUP", []byte("CREATE"), k, name, g.LastID.Append(nil),
			[]byte("ENTRIESREAD"), strconv.AppendInt(nil, g.EntriesRead, 10))
		g.EachConsumer(func(c *Consumer) {
			if c.Pending() == 0 {
				dst = appendCommand(dst, "XGROUP", []byte("CREATECONSUMER"), k, name, []byte(c.Name))
				return
			}
			eachPending(c.pel, ID{}, func(id ID, n *NACK) bool {
				dst = appendCommand(dst, "XCLAIM", k, name, []byte(c.Name), []byte("0"), id.Append(nil),
					[]byte("TIME"), strconv.AppendInt(nil, n.DeliveryTime, 10),
					[]byte("RETRYCOUNT"), strconv.AppendInt(nil, n.DeliveryCount, 10),
					[]byte("JUSTID"), []byte("FORCE"))
				return true
			})
		})
	})
	return dst
}

func appendCommand(dst []byte, name string, args ...[]byte) []byte {
	dst = resp.AppendArrayHeader(dst, 1+len(args))
	dst = resp.AppendBulk(dst, []byte(name))
	return appendBulks(dst, args...)
}

func appendBulks(dst []byte, bs ...[]byte) []byte {
	for _, b := range bs {
		dst = resp.AppendBulk(dst, b)
	}
	return dst
}

// Copy is a deep copy for COPY: the same entries, counters and groups,
// sharing nothing with s.
func (s *Stream) Copy() any {
	d := New()
	d.length, d.lastID, d.firstID, d.maxDeletedID, d.entriesAdded = s.length, s.lastID, s.firstID, s.maxDeletedID, s.entriesAdded
	s.rax.Each(func(k []byte, n *node) bool {
		m := &node{master: n.master, fields: copyAll(n.fields), live: n.live, deleted: n.deleted, size: n.size,
			entries: make([]entry, len(n.entries))}
		for i, e := range n.entries {
			e.values = copyAll(e.values)
			if e.fields != nil {
				e.fields = copyAll(e.fields)
			}
			m.entries[i] = e
		}
		d.rax.Set(k, m)
		return true
	})
	s.EachGroup(func(g *Group) {
		dg := d.CreateGroup([]byte(g.Name), g.LastID, g.EntriesRead)
		g.EachConsumer(func(c *Consumer) {
			dc := dg.CreateConsumer([]byte(c.Name), c.SeenTime)
			eachPending(c.pel, ID{}, func(id ID, n *NACK) bool {
				k := id.Key()
				nn := &NACK{DeliveryTime: n.DeliveryTime, DeliveryCount: n.DeliveryCount, Consumer: dc}
				dg.pel.Set(k[:], nn)
				dc.pel.Set(k[:], nn)
				return true
			})
		})
	})
	return d
}
