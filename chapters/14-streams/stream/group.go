package stream

// Group is a consumer group: the last ID it delivered, how many entries
// it has read (for the lag), its pending entries list (PEL) and its
// consumers.
type Group struct {
	Name        string
	LastID      ID
	EntriesRead int64 // -1 when unknown
	pel         *Tree[*NACK]
	consumers   *Tree[*Consumer]
}

// Consumer is a consumer of a group, with the pending entries it owns.
type Consumer struct {
	Name     string
	SeenTime int64 // unix ms of its last read or claim
	pel      *Tree[*NACK]
}

// NACK is a pending entry: delivered, not yet acknowledged. The group's
// PEL and its consumer's PEL share it.
type NACK struct {
	DeliveryTime  int64 // unix ms of the last delivery
	DeliveryCount int64
	Consumer      *Consumer
}

// Group returns the group called name.
func (s *Stream) Group(name []byte) *Group {
	if s == nil || s.groups == nil {
		return nil
	}
	g, _ := s.groups.Get(name)
	return g
}

// CreateGroup is streamCreateCG; it returns nil when the name is taken.
func (s *Stream) CreateGroup(name []byte, last ID, entriesRead int64) *Group {
	if s.groups == nil {
		s.groups = NewTree[*Group]()
	}
	if _, ok := s.groups.Get(name); ok {
		return nil
	}
	g := &Group{Name: string(name), LastID: last, EntriesRead: entriesRead,
		pel: NewTree[*NACK](), consumers: NewTree[*Consumer]()}
	s.groups.Set(name, g)
	return g
}

// DestroyGroup removes the group called name.
func (s *Stream) DestroyGroup(name []byte) bool {
	return s.groups != nil && s.groups.Delete(name)
}

// Groups is the number of groups.
func (s *Stream) Groups() int {
	if s.groups == nil {
		return 0
	}
	return s.groups.Len()
}

// EachGroup calls fn for each group in name order.
func (s *Stream) EachGroup(fn func(g *Group)) {
	if s.groups == nil {
		return
	}
	s.groups.Each(func(_ []byte, g *Group) bool { fn(g); return true })
}

// Consumer returns the consumer called name, or nil.
func (g *Group) Consumer(name []byte) *Consumer {
	c, _ := g.consumers.Get(name)
	return c
}

// CreateConsumer adds a consumer; nil if it exists.
func (g *Group) CreateConsumer(name []byte, now int64) *Consumer {
	if _, ok := g.consumers.Get(name); ok {
		return nil
	}
	c := &Consumer{Name: string(name), SeenTime: now, pel: NewTree[*NACK]()}
	g.consumers.Set(name, c)
	return c
}

// consumer finds or creates a consumer and marks it seen now.
func (g *Group) consumer(name []byte, now int64) *Consumer {
	c := g.Consumer(name)
	if c == nil {
		c = g.CreateConsumer(name, now)
	}
	c.SeenTime = now
	return c
}

// DeleteConsumer removes a consumer and its pending entries from the
// group's PEL; it returns how many it had.
func (g *Group) DeleteConsumer(c *Consumer) int {
	n := c.pel.Len()
	c.pel.Each(func(k []byte, _ *NACK) bool { g.pel.Delete(k); return true })
	g.consumers.Delete([]byte(c.Name))
	return n
}

// Pending is the size of the group's PEL.
func (g *Group) Pending() int { return g.pel.Len() }

// Consumers is the number of consumers.
func (g *Group) Consumers() int { return g.consumers.Len() }

// Pending is the size of the consumer's PEL.
func (c *Consumer) Pending() int { return c.pel.Len() }

// EachConsumer calls fn for each consumer in name order.
func (g *Group) EachConsumer(fn func(c *Consumer)) {
	g.consumers.Each(func(_ []byte, c *Consumer) bool { fn(c); return true })
}

// EachPending calls fn for each pending entry of pel from start on, in
// ID order, until fn returns false.
func eachPending(pel *Tree[*NACK], start ID, fn func(id ID, n *NACK) bool) {
	k := start.Key()
	for key, n, ok := pel.Seek(k[:], true); ok; key, n, ok = pel.Seek(key, false) {
		if !fn(IDFromKey(key), n) {
			return
		}
	}
}

// ack removes id from the group's PEL and its consumer's.
func (g *Group) ack(id ID) bool {
	k := id.Key()
	n, ok := g.pel.Get(k[:])
	if !ok {
		return false
	}
	g.pel.Delete(k[:])
	n.Consumer.pel.Delete(k[:])
	return true
}

// deliver records that c was given id now (the PEL part of
// streamReplyWithRange): a new NACK, or one that moves to c.
func (g *Group) deliver(id ID, c *Consumer, now int64) *NACK {
	k := id.Key()
	if n, ok := g.pel.Get(k[:]); ok {
		n.Consumer.pel.Delete(k[:])
		n.Consumer, n.DeliveryTime, n.DeliveryCount = c, now, 1
		c.pel.Set(k[:], n)
		return n
	}
	n := &NACK{DeliveryTime: now, DeliveryCount: 1, Consumer: c}
	g.pel.Set(k[:], n)
	c.pel.Set(k[:], n)
	return n
}

// moveTo gives NACK n of id to consumer c.
func (g *Group) moveTo(id ID, n *NACK, c *Consumer) {
	if n.Consumer == c {
		return
	}
	k := id.Key()
	if n.Consumer != nil {
		n.Consumer.pel.Delete(k[:])
	}
	n.Consumer = c
	c.pel.Set(k[:], n)
}
