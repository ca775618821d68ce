package block

import (
	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/final/stream"
)

// streamWait is what a blocked XREAD or XREADGROUP waits for.
type streamWait struct {
	sc *stream.Commands
	r  *stream.Read
}

// Streams makes XREAD and XREADGROUP with BLOCK wait here when they find
// nothing: in the queues of their keys, with the others, first come
// first served, and on the loop's timers.
func (b *Block) Streams(sc *stream.Commands) {
	sc.Block = func(c *server.Client, r *stream.Read) {
		if b.nested(c) {
			c.W.NullArray() // inside MULTI: as if the timeout had passed
			return
		}
		keys := make([][]byte, len(r.Keys))
		copy(keys, r.Keys)
		w := &waiter{stream: &streamWait{sc, r}, keys: keysOf(keys)}
		b.block(c, w, r.Timeout)
	}
	sc.Wake = func(c *server.Client, key []byte) {
		if b.waiting[c.DB][string(key)] != nil {
			b.signal(c.DB, string(key))
		}
	}
}

// serveStream serves w from key k if k has news for it (stream's
// ServeKey): the reply with that stream, its deliveries to the AOF as
// XCLAIMs, and the client resumes. A stream reader never uses up what
// it reads for the next one, so serving goes on down the queue.
func (b *Block) serveStream(w *waiter, k dbKey) {
	var ops [][][]byte
	out := resp.Writer{Proto: w.c.Proto}
	if !w.stream.sc.ServeKey(w.c, &out, w.stream.r, []byte(k.key), func(args ...[]byte) { ops = append(ops, args) }) {
		return
	}
	b.wake(w, func(rw *resp.Writer) { rw.Raw(out.B) })
	if len(ops) > 0 {
		b.srv.Dirty++
		b.srv.PropagateAll(k.db, ops)
	}
}
