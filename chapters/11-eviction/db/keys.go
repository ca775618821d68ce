package db

import (
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
)

// TYPE key
func (k *Keys) typeCmd(c *server.Client) {
	c.W.SimpleString(TypeName(k.PeekRead(c, c.Args[1])))
}

// RENAME key newkey, RENAMENX key newkey: the value, its time to live
// and its access data move to the new name. Renaming a key to itself
// changes nothing and is not propagated.
func (k *Keys) rename(c *server.Client, nx bool) {
	src, dst := c.Args[1], c.Args[2]
	db, now := k.DB(c), k.Now()
	e := db.LookupWrite(src, now)
	if e == nil {
		c.Error("ERR no such key")
		return
	}
	if string(src) == string(dst) {
		if nx {
			c.W.Int(0)
		} else {
			c.OK()
		}
		return
	}
	if db.LookupWrite(dst, now) != nil {
		if nx {
			c.W.Int(0)
			return
		}
		db.Delete(dst, now)
	}
	e = db.Peek(src, now) // the delete may have moved src's entry
	moveEntry(e, db, dst, now, false)
	db.Delete(src, now)
	if nx {
		c.W.Int(1)
	} else {
		c.OK()
	}
	c.Propagate()
}

// COPY source destination [DB destination-db] [REPLACE]: a deep copy,
// with the time to live.
func (k *Keys) copy(c *server.Client) {
	dstIndex, replace := c.DB, false
	for j := 3; j < len(c.Args); j++ {
		switch {
		case cache.Eq(c.Args[j], "replace"):
			replace = true
		case cache.Eq(c.Args[j], "db") && j+1 < len(c.Args):
			n, ok := k.dbIndex(c, c.Args[j+1])
			if !ok {
				return
			}
			dstIndex = n
			j++
		default:
			c.ErrSyntax()
			return
		}
	}
	src, dst := c.Args[1], c.Args[2]
	if dstIndex == c.DB && string(src) == string(dst) {
		c.Error("ERR source and destination objects are the same")
		return
	}
	if k.LookupRead(c, src) == nil {
		c.W.Int(0)
		return
	}
	to, now := k.DBs[dstIndex], k.Now()
	if to.LookupWrite(dst, now) != nil {
		if !replace {
			c.W.Int(0)
			return
		}
		to.Delete(dst, now)
	}
	moveEntry(k.DB(c).Peek(src, now), to, dst, now, true)
	c.W.Int(1)
	c.Propagate()
}

// RANDOMKEY: nil when the database is empty. Expired keys met on the
// way are removed.
func (k *Keys) randomkey(c *server.Client) {
	e := k.DB(c).RandomEntry(k.Now())
	if e == nil {
		c.W.Null()
		return
	}
	c.W.BulkString(e.Key)
}

// EXPIRETIME key, PEXPIRETIME key: the absolute expiry (unix seconds,
// rounded, or ms), -1 without one, -2 without the key.
func (k *Keys) expiretime(c *server.Client, ms bool) {
	e := k.PeekRead(c, c.Args[1])
	switch {
	case e == nil:
		c.W.Int(-2)
	case e.ExpireAt == 0:
		c.W.Int(-1)
	case ms:
		c.W.Int(e.ExpireAt)
	default:
		c.W.Int((e.ExpireAt + 500) / 1000)
	}
}

// TOUCH key [key ...]: how many exist; each counts as an access.
func (k *Keys) touch(c *server.Client) {
	n := 0
	for _, key := range c.Args[1:] {
		if k.LookupRead(c, key) != nil {
			n++
		}
	}
	c.W.Int(int64(n))
}

// SWAPDB index1 index2: clients see the other database's keys at once.
func (k *Keys) swapdb(c *server.Client) {
	a, ok1 := parseDBIndex(c.Args[1])
	if !ok1 {
		c.Error("ERR invalid first DB index")
		return
	}
	b, ok2 := parseDBIndex(c.Args[2])
	if !ok2 {
		c.Error("ERR invalid second DB index")
		return
	}
	if a < 0 || a >= len(k.DBs) || b < 0 || b >= len(k.DBs) {
		c.Error("ERR DB index is out of range")
		return
	}
	if a != b {
		k.DBs[a].Swap(k.DBs[b]) // the swap observers (WATCH, blocked clients) hear of it
	}
	c.OK()
	c.Propagate()
}

// MOVE key db: 1 if the key moved, 0 if it is missing here or exists
// there.
func (k *Keys) move(c *server.Client) {
	dstIndex, ok := k.dbIndex(c, c.Args[2])
	if !ok {
		return
	}
	if dstIndex == c.DB {
		c.Error("ERR source and destination objects are the same")
		return
	}
	key, db, to, now := c.Args[1], k.DB(c), k.DBs[dstIndex], k.Now()
	e := db.LookupWrite(key, now)
	if e == nil || to.LookupWrite(key, now) != nil {
		c.W.Int(0)
		return
	}
	moveEntry(e, to, key, now, false)
	db.Delete(key, now)
	c.W.Int(1)
	c.Propagate()
}

// FLUSHDB [ASYNC | SYNC]: empties the selected database. Always
// propagated, so a replayed AOF empties what came before.
func (k *Keys) flushdb(c *server.Client) {
	if len(c.Args) > 2 || (len(c.Args) == 2 && !cache.Eq(c.Args[1], "sync") && !cache.Eq(c.Args[1], "async")) {
		c.ErrSyntax()
		return
	}
	db := k.DB(c)
	k.srv.Dirty += int64(db.Len())
	db.Flush()
	c.OK()
	c.Propagate()
}
