package cache

// Touches are the keys a running command looked up for writing, kept to
// learn at its end which of them it changed: Redis's signalModifiedKey,
// which WATCH and client-side caching hear of. The keyspace tells of a
// write before it happens (keyspace.WriteObserver), when nobody knows
// yet whether it will change anything; the command path tells afterwards
// whether the command propagated a change (server.CallObserver). A
// command that propagated changed the keys it looked up, except one that
// was missing before and is missing after: that one it only looked at
// (LMPOP moving on past an empty key).
//
// A layer keeps its own Touches, notes each write it hears of while a
// command runs, and settles them when the command's call ends.
type Touches struct {
	keys []touch
}

type touch struct {
	db      int
	key     string
	existed bool
}

// Note records that the running command is about to write key in
// database db, which existed (or not) before.
func (t *Touches) Note(db int, key string, existed bool) {
	t.keys = append(t.keys, touch{db, key, existed})
}

// Settle calls changedKey for each noted key the command changed, given
// whether it propagated anything, and forgets them all.
func (t *Touches) Settle(ca *Cache, changed bool, changedKey func(db int, key string)) {
	t.SettleEach(ca, changed, func(db int, key string, _ bool) { changedKey(db, key) })
}

// SettleEach is Settle that also tells whether each changed key existed
// before the command (keyspace notifications announce a new key, or an
// emptied one). A key noted twice is told once, as it was first.
func (t *Touches) SettleEach(ca *Cache, changed bool, changedKey func(db int, key string, existed bool)) {
	if changed {
		for i, k := range t.keys {
			if !k.existed && ca.DBs[k.db].Peek([]byte(k.key), 0) == nil {
				continue // missing before and after: only looked at
			}
			if t.seen(i) {
				continue
			}
			changedKey(k.db, k.key, k.existed)
		}
	}
	clear(t.keys)
	t.keys = t.keys[:0]
}

// seen reports whether the key noted at i was noted before it.
func (t *Touches) seen(i int) bool {
	for _, k := range t.keys[:i] {
		if k.db == t.keys[i].db && k.key == t.keys[i].key {
			return true
		}
	}
	return false
}
