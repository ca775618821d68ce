package rewrite

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// Tuning of the snapshot; variables so tests can make it slower or faster.
var (
	// stepBudget is how long one scan step may keep the loop busy before
	// it lets the loop serve clients again.
	stepBudget = time.Millisecond
	// scanCount is the number of keys asked from DB.Scan per call; the
	// budget is checked between calls.
	scanCount = 128
	// chunkSize is the size of the byte chunks handed to the writer.
	chunkSize = 64 << 10
	// queueLen is the number of chunks that may wait for the writer. When
	// the queue is full the scan pauses: memory stays bounded by about
	// queueLen*chunkSize however slow the disk is.
	queueLen = 16
)

// snapshot is one rewrite's view of the keyspace: a cursor walking the
// databases in small steps on the loop goroutine, and the keyspace hooks
// that save a key's old value before a write changes it. Everything but
// the channels and stall belongs to the loop goroutine.
//
// A key is written to the new base at most once, as it was when the
// rewrite started (time T0):
//   - a key present at T0 is written either by the scan, or by the
//     copy on write (KeyWriting) just before its first change, whichever comes
//     first; Entry.Mark == epoch records that it was written;
//   - a key created after T0 gets Mark == epoch at birth (DB.NewMark), so
//     the scan skips it: its creation is in the new incr file.
type snapshot struct {
	epoch uint32
	dbs   []*keyspace.DB
	now   func() int64
	enc   Encoder

	db     int    // database the scan is in; len(dbs) when the scan is over
	cursor uint64 // its SCAN cursor
	sel    int    // database of the last SELECT written, -1 for none

	buf    []byte      // encoded commands not yet handed to the writer
	out    chan []byte // to the writer; only the loop sends and closes
	free   chan []byte // chunks the writer is done with, for reuse
	stall  atomic.Bool // the scan waits for room in out; the writer wakes it
	closed bool        // out is closed: the scan is over or given up
	err    error       // a value that could not be encoded
	keys   int64       // keys written

	visit   func(*keyspace.Entry) // s.scanned
	scanNow int64                 // the clock for this scan call's expiry test
}

func newSnapshot(epoch uint32, dbs []*keyspace.DB, now func() int64, enc Encoder) *snapshot {
	s := &snapshot{epoch: epoch, dbs: dbs, now: now, enc: enc, sel: -1,
		out: make(chan []byte, queueLen), free: make(chan []byte, queueLen+2),
		buf: make([]byte, 0, chunkSize+4096)}
	s.visit = s.scanned
	for _, db := range dbs {
		db.NewMark = epoch
	}
	return s
}

// close ends the snapshot: no more bytes for the writer, and new keys
// are no longer marked (marks already set stay; the next rewrite uses
// another epoch).
func (s *snapshot) close() {
	if s.closed {
		return
	}
	s.closed = true
	close(s.out)
	for _, db := range s.dbs {
		db.NewMark = 0
	}
}

// step advances the scan for about stepBudget. It returns false when it
// stopped because the writer's queue is full: the writer calls the wake
// function once it took a chunk. done reports the scan is over and every
// byte was handed over.
func (s *snapshot) step() (more, done bool) {
	start := time.Now()
	for {
		if !s.handOver(chunkSize) {
			return false, false
		}
		if s.err != nil {
			return false, true
		}
		if s.db == len(s.dbs) {
			if !s.handOver(1) {
				return false, false
			}
			return true, true
		}
		s.scanNow = s.now()
		s.cursor = s.dbs[s.db].Scan(s.cursor, scanCount, s.visit)
		if s.cursor == 0 {
			s.db++
		}
		if time.Since(start) >= stepBudget {
			return true, false
		}
	}
}

// scanned is the scan's callback (kept as a method value in visit, so a
// step allocates no closure).
func (s *snapshot) scanned(e *keyspace.Entry) {
	if e.Mark == s.epoch {
		return
	}
	e.Mark = s.epoch
	// An expired key is left out, as Redis does: whoever touches it next
	// removes it and logs a DEL to the new incr file.
	if !e.IsExpired(s.scanNow) {
		s.write(s.db, e)
	}
}

// handOver sends buf to the writer if it holds at least min bytes, without
// ever blocking the loop. It reports false when the queue is full; it then
// sets stall so that the writer wakes the scan after taking a chunk. The
// second look at the queue closes the race with a writer that emptied it
// between the first look and the flag.
func (s *snapshot) handOver(min int) bool {
	if len(s.buf) < min {
		return true
	}
	for {
		select {
		case s.out <- s.buf:
			s.buf = s.newChunk()
			return true
		default:
		}
		s.stall.Store(true)
		if len(s.out) == cap(s.out) {
			return false
		}
		s.stall.Store(false)
	}
}

// newChunk reuses a chunk the writer has written, so that a rewrite
// allocates a few chunks in all: allocating one per 64 KB would make the
// garbage collector run, and help it, during every scan step.
func (s *snapshot) newChunk() []byte {
	select {
	case b := <-s.free:
		return b[:0]
	default:
		return make([]byte, 0, chunkSize+4096)
	}
}

// beforeWrite is the copy on write (Rewriter.KeyWriting): a key the scan has not reached is
// about to change, so its value at T0 is written now. e is nil for an
// absent key: nothing to save (if it is created, NewMark marks it).
func (s *snapshot) beforeWrite(db int, e *keyspace.Entry) {
	if e == nil || e.Mark == s.epoch {
		return
	}
	e.Mark = s.epoch
	s.write(db, e)
	// The queue may be full; then buf grows until the scan's next step.
	// It grows by at most the keys written here, each written once.
	s.handOver(chunkSize)
}

// scanDone reports whether the scan has passed database db: every key of
// db present at T0 has been written.
func (s *snapshot) scanDone(db int) bool { return s.db > db }

// write appends the commands that recreate e to buf, preceded by a SELECT
// when the database changes, in the form Redis's rewriteAppendOnlyFileRio
// uses: SET key value, then PEXPIREAT key ms for a key with a time to live.
func (s *snapshot) write(db int, e *keyspace.Entry) {
	if s.err != nil {
		return
	}
	if db != s.sel {
		var n [20]byte
		s.buf = resp.AppendArrayHeader(s.buf, 2)
		s.buf = resp.AppendBulk(s.buf, "SELECT")
		s.buf = resp.AppendBulk(s.buf, strconv.AppendInt(n[:0], int64(db), 10))
		s.sel = db
	}
	if v, ok := e.Bytes(); ok {
		s.buf = resp.AppendArrayHeader(s.buf, 3)
		s.buf = resp.AppendBulk(s.buf, "SET")
		s.buf = resp.AppendBulk(s.buf, e.Key)
		s.buf = resp.AppendBulk(s.buf, v)
	} else {
		var err error
		if s.buf, err = s.enc(s.buf, e.Key, e.Value); err != nil {
			s.err = err
			return
		}
	}
	if e.ExpireAt != 0 {
		var n [20]byte
		s.buf = resp.AppendArrayHeader(s.buf, 3)
		s.buf = resp.AppendBulk(s.buf, "PEXPIREAT")
		s.buf = resp.AppendBulk(s.buf, e.Key)
		s.buf = resp.AppendBulk(s.buf, strconv.AppendInt(n[:0], e.ExpireAt, 10))
	}
	s.keys++
}
