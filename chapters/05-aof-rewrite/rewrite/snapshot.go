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

// Format is what a snapshot writes for each key: the commands of an AOF
// base (commandFormat), or the records of an RDB file (chapter 12). Its
// methods run on the loop goroutine, in file order.
type Format interface {
	// Begin appends what precedes the first key (an RDB header).
	Begin(dst []byte) []byte
	// Key appends what recreates e, a key of database db. switched is
	// true when db is not the database of the previous key written
	// (always for the first): the copy on write may interleave keys of
	// any database with the scan's.
	Key(dst []byte, db int, switched bool, e *keyspace.Entry) ([]byte, error)
	// End appends what follows the last key (an RDB's EOF and checksum).
	End(dst []byte) []byte
}

// Snapshots lets a server's databases have one snapshot at a time, as
// Redis has at most one child process: the marks (Entry.Mark,
// DB.NewMark) belong to the running snapshot. The AOF rewrite and
// chapter 12's BGSAVE take turns through it. It observes the databases'
// writes and forwards them to the running snapshot's copy on write.
type Snapshots struct {
	dbs   []*keyspace.DB
	epoch uint32
	cur   *Snapshot
}

// NewSnapshots returns the snapshot slot of ca's databases, observing
// their writes.
func NewSnapshots(dbs []*keyspace.DB, obs *keyspace.Observers) *Snapshots {
	s := &Snapshots{dbs: dbs}
	obs.Add(s)
	return s
}

// Busy reports whether a snapshot holds the slot.
func (ss *Snapshots) Busy() bool { return ss.cur != nil }

// Begin starts a snapshot of the databases as they are now (T0), written
// in f, with now the clock for expiry. It returns nil while another holds
// the slot. onFlush is called when a flush reaches a database the scan
// has not passed (Flushing); the holder gives its snapshot up there.
func (ss *Snapshots) Begin(f Format, now func() int64, onFlush func(db int)) *Snapshot {
	if ss.cur != nil {
		return nil
	}
	ss.epoch++
	if ss.epoch == 0 { // after 2^32 snapshots; 0 is the mark of old keys
		ss.epoch = 1
	}
	ss.cur = newSnapshot(ss.epoch, ss.dbs, now, f)
	ss.cur.onFlush = onFlush
	return ss.cur
}

// End gives the slot back; snap is closed if it was not.
func (ss *Snapshots) End(snap *Snapshot) {
	snap.Close()
	if ss.cur == snap {
		ss.cur = nil
	}
}

// KeyWriting is the copy on write: a key about to change that the scan
// has not reached yet is written with its T0 value first.
func (ss *Snapshots) KeyWriting(index int, _ string, e *keyspace.Entry) {
	if ss.cur != nil && !ss.cur.closed {
		ss.cur.beforeWrite(index, e)
	}
}

// Flushing tells the holder of a running snapshot that a flush is about
// to empty a database whose keys the scan has not all written.
func (ss *Snapshots) Flushing(index int) {
	if ss.cur != nil && !ss.cur.closed && !ss.cur.ScanDone(index) && ss.cur.onFlush != nil {
		ss.cur.onFlush(index)
	}
}

// Snapshot is one view of the keyspace as it was at T0: a cursor walking
// the databases in small steps on the loop goroutine, and the copy on
// write that saves a key's old value before a write changes it. The
// bytes go to a writer goroutine (Drain) through a bounded queue.
// Everything but the channels and stall belongs to the loop goroutine.
//
// A key is written at most once, as it was when the snapshot started:
//   - a key present at T0 is written either by the scan, or by the
//     copy on write (KeyWriting) just before its first change, whichever comes
//     first; Entry.Mark == epoch records that it was written;
//   - a key created after T0 gets Mark == epoch at birth (DB.NewMark), so
//     the scan skips it: it is not part of the snapshot.
type Snapshot struct {
	epoch  uint32
	dbs    []*keyspace.DB
	now    func() int64
	format Format

	db     int    // database the scan is in; len(dbs) when the scan is over
	cursor uint64 // its SCAN cursor
	sel    int    // database of the last key written, -1 for none
	ended  bool   // format.End was written

	buf    []byte      // encoded bytes not yet handed to the writer
	out    chan []byte // to the writer; only the loop sends and closes
	free   chan []byte // chunks the writer is done with, for reuse
	stall  atomic.Bool // the scan waits for room in out; the writer wakes it
	closed bool        // out is closed: the scan is over or given up
	err    error       // a value that could not be encoded
	keys   int64       // keys written

	onFlush func(db int)          // the holder's answer to a flush (Snapshots.Flushing)
	visit   func(*keyspace.Entry) // s.scanned
	scanNow int64                 // the clock for this scan call's expiry test
}

func newSnapshot(epoch uint32, dbs []*keyspace.DB, now func() int64, f Format) *Snapshot {
	s := &Snapshot{epoch: epoch, dbs: dbs, now: now, format: f, sel: -1,
		out: make(chan []byte, queueLen), free: make(chan []byte, queueLen+2),
		buf: make([]byte, 0, chunkSize+4096)}
	s.visit = s.scanned
	s.buf = f.Begin(s.buf)
	for _, db := range dbs {
		db.NewMark = epoch
	}
	return s
}

// Close ends the snapshot: no more bytes for the writer, and new keys
// are no longer marked (marks already set stay; the next snapshot uses
// another epoch).
func (s *Snapshot) Close() {
	if s.closed {
		return
	}
	s.closed = true
	close(s.out)
	for _, db := range s.dbs {
		db.NewMark = 0
	}
}

// Closed reports whether Close ran.
func (s *Snapshot) Closed() bool { return s.closed }

// Err is the error that stopped the snapshot: a value Format could not
// encode.
func (s *Snapshot) Err() error { return s.err }

// Keys is the number of keys written so far.
func (s *Snapshot) Keys() int64 { return s.keys }

// Step advances the scan for about stepBudget. It returns false when it
// stopped because the writer's queue is full: the writer calls Resume
// once it took a chunk. done reports the scan is over and every byte was
// handed over (or Err is set).
func (s *Snapshot) Step() (more, done bool) {
	start := time.Now()
	for {
		if !s.handOver(chunkSize) {
			return false, false
		}
		if s.err != nil {
			return false, true
		}
		if s.db == len(s.dbs) {
			if !s.ended {
				s.buf = s.format.End(s.buf)
				s.ended = true
			}
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

// Resume is for the writer goroutine after it took a chunk: it reports
// whether the scan was waiting for room, in which case the caller posts
// the next Step to the loop (once: the flag is cleared here).
func (s *Snapshot) Resume() bool { return s.stall.CompareAndSwap(true, false) }

// scanned is the scan's callback (kept as a method value in visit, so a
// step allocates no closure).
func (s *Snapshot) scanned(e *keyspace.Entry) {
	if e.Mark == s.epoch {
		return
	}
	e.Mark = s.epoch
	// An expired key is left out, as Redis does: whoever touches it next
	// removes it (and logs a DEL to the new incr file).
	if !e.IsExpired(s.scanNow) {
		s.write(s.db, e)
	}
}

// handOver sends buf to the writer if it holds at least min bytes, without
// ever blocking the loop. It reports false when the queue is full; it then
// sets stall so that the writer wakes the scan after taking a chunk. The
// second look at the queue closes the race with a writer that emptied it
// between the first look and the flag.
func (s *Snapshot) handOver(min int) bool {
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

// newChunk reuses a chunk the writer has written, so that a snapshot
// allocates a few chunks in all: allocating one per 64 KB would make the
// garbage collector run, and help it, during every scan step.
func (s *Snapshot) newChunk() []byte {
	select {
	case b := <-s.free:
		return b[:0]
	default:
		return make([]byte, 0, chunkSize+4096)
	}
}

// beforeWrite is the copy on write (Snapshots.KeyWriting): a key the scan has not reached is
// about to change, so its value at T0 is written now. e is nil for an
// absent key: nothing to save (if it is created, NewMark marks it).
func (s *Snapshot) beforeWrite(db int, e *keyspace.Entry) {
	if e == nil || e.Mark == s.epoch {
		return
	}
	e.Mark = s.epoch
	s.write(db, e)
	// The queue may be full; then buf grows until the scan's next step.
	// It grows by at most the keys written here, each written once.
	s.handOver(chunkSize)
}

// ScanDone reports whether the scan has passed database db: every key of
// db present at T0 has been written.
func (s *Snapshot) ScanDone(db int) bool { return s.db > db }

// write appends what recreates e to buf, in the snapshot's format.
func (s *Snapshot) write(db int, e *keyspace.Entry) {
	if s.err != nil {
		return
	}
	var err error
	if s.buf, err = s.format.Key(s.buf, db, db != s.sel, e); err != nil {
		s.err = err
		return
	}
	s.sel = db
	s.keys++
}

// commandFormat writes a key as the commands that recreate it, in the
// form Redis's rewriteAppendOnlyFileRio uses: SELECT when the database
// changes, SET key value (or the Encoder's commands for other types),
// then PEXPIREAT key ms for a key with a time to live. The preludes come
// first (Rewriter.AddPrelude): what is kept outside the keyspace.
type commandFormat struct {
	enc      Encoder
	preludes []func(dst []byte) []byte
}

func (f commandFormat) Begin(dst []byte) []byte {
	for _, fn := range f.preludes {
		dst = fn(dst)
	}
	return dst
}
func (commandFormat) End(dst []byte) []byte { return dst }

func (f commandFormat) Key(dst []byte, db int, switched bool, e *keyspace.Entry) ([]byte, error) {
	if switched {
		var n [20]byte
		dst = resp.AppendArrayHeader(dst, 2)
		dst = resp.AppendBulk(dst, "SELECT")
		dst = resp.AppendBulk(dst, strconv.AppendInt(n[:0], int64(db), 10))
	}
	if v, ok := e.Bytes(); ok {
		dst = resp.AppendArrayHeader(dst, 3)
		dst = resp.AppendBulk(dst, "SET")
		dst = resp.AppendBulk(dst, e.Key)
		dst = resp.AppendBulk(dst, v)
	} else {
		var err error
		if dst, err = f.enc(dst, e.Key, e.Value); err != nil {
			return dst, err
		}
	}
	if e.ExpireAt != 0 {
		var n [20]byte
		dst = resp.AppendArrayHeader(dst, 3)
		dst = resp.AppendBulk(dst, "PEXPIREAT")
		dst = resp.AppendBulk(dst, e.Key)
		dst = resp.AppendBulk(dst, strconv.AppendInt(n[:0], e.ExpireAt, 10))
	}
	return dst, nil
}
