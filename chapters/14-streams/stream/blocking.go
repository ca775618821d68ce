package stream

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/block"
)

// BlockIn makes XREAD and XREADGROUP with BLOCK wait in b when they find
// nothing: in the queues of their keys, with the list and sorted set
// poppers, first come first served, and on the loop's timers.
func (sc *Commands) BlockIn(b *block.Block) { sc.blk = b }

// wait parks c's XREAD or XREADGROUP r, whose arguments it owns.
func (sc *Commands) wait(c *server.Client, r *Read) {
	if c.Srv.Nested() {
		c.W.NullArray() // inside MULTI: as if the timeout had passed
		return
	}
	sc.blk.Wait(c, r.Keys, r.Timeout, &readWant{sc, r})
}

// readWant is what a blocked XREAD or XREADGROUP waits for.
type readWant struct {
	sc *Commands
	r  *Read
}

// Kind is nil: a reader is offered every write of its keys, whatever
// they hold, since XREADGROUP must learn that its stream or group is
// gone, and a reader never uses up what it reads for the next one.
func (rw *readWant) Kind() block.Kind { return nil }

// Serve serves w from key if key has news for it (ServeKey): the reply
// with that stream, its deliveries to the AOF as XCLAIMs, and the client
// resumes.
func (rw *readWant) Serve(w *block.Waiter, _ *keyspace.DB, _ int64, key []byte, _ any) {
	var ops [][][]byte
	c := w.Client()
	out := resp.Writer{Proto: c.Proto}
	if !rw.sc.ServeKey(c, &out, rw.r, key, func(args ...[]byte) { ops = append(ops, args) }) {
		return
	}
	w.Wake(func(dst *resp.Writer) { dst.Raw(out.B) })
	if len(ops) > 0 {
		w.Propagate(ops...)
	}
}
