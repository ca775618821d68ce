package aof

import (
	"errors"
	"fmt"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Appender appends the commands that changed data to the last incr file.
// It belongs to the loop goroutine: Feed after each command, Flush once per
// loop turn before replies are sent (Redis's feedAppendOnlyFile and
// flushAppendOnlyFile). Only the everysec fsync runs elsewhere (bio).
type Appender struct {
	dir    Dir
	man    *Manifest
	log    Logger
	policy Policy

	file File
	cur  *target // shared with bio
	bio  *bio
	name string // incr file being appended to

	// buf holds bytes fed but not yet written; under always, bytes not yet
	// fsynced too, so that a failed fsync can be redone from memory.
	buf      []byte
	selected int // database of the last SELECT fed, -1 for none

	baseSize int64 // aof_base_size
	size     int64 // aof_current_size: base + incr files
	incrSize int64 // size of the file being appended to

	writeErr   error // last write or (always) fsync error; nil when writing works
	unsynced   bool  // always: bytes in the file whose fsync failed
	lastErrLog time.Time
}

// Tuning; variables so tests can shorten them.
var (
	// everysecPeriod is the everysec fsync interval.
	everysecPeriod = time.Second
	// errLogEvery limits the rate of write error logs (Redis: 30 s).
	errLogEvery = 30 * time.Second
)

// Open makes the directory ready for appending, as Redis does after loading
// (aofOpenIfNeededOnServerStart): it creates the directory; with no file
// at all (first start, empty dataset) it creates an empty base file; it
// opens the last incr file, creating one when there is none; and it
// persists the manifest if it changed. m is the manifest Load used; the
// Appender owns it from now on.
func Open(d Dir, m *Manifest, policy Policy, log Logger) (*Appender, error) {
	if log == nil {
		log = nopLogger{}
	}
	fsys := d.fs()
	if err := fsys.MkdirAll(d.Path); err != nil {
		return nil, fmt.Errorf("can't open or create append-only dir %s: %w", d.Path, err)
	}
	dirty := false
	if m.Empty() {
		name := m.NewBase(d.Prefix, false)
		if err := d.createEmpty(name); err != nil {
			return nil, err
		}
		log.Infof("Creating AOF base file %s on server start", name)
		dirty = true
	}
	existing := len(m.Incr) > 0
	name := m.LastIncr(d.Prefix)
	f, err := fsys.OpenAppend(d.File(name))
	if err != nil {
		return nil, fmt.Errorf("can't open the append-only file %s: %w", name, err)
	}
	if !existing || dirty {
		if err := d.WriteManifest(m); err != nil {
			f.Close()
			return nil, err
		}
	}
	if existing {
		log.Infof("Opening AOF incr file %s on server start", name)
	} else {
		log.Infof("Creating AOF incr file %s on server start", name)
	}
	a := &Appender{dir: d, man: m, log: log, policy: policy, file: f, name: name, selected: -1}
	if err := a.measure(); err != nil {
		f.Close()
		return nil, err
	}
	a.cur = &target{f: f}
	a.cur.written.Store(a.incrSize)
	a.cur.synced = a.incrSize
	a.bio = newBio(a.cur, policy == EverySec, everysecPeriod)
	return a, nil
}

// createEmpty writes an empty file under a temp name and renames it, so a
// crash never leaves a listed file that is not complete.
func (d Dir) createEmpty(name string) error {
	tmp := d.File(TempName(name))
	if err := d.WriteFileSync(tmp, nil); err != nil {
		return err
	}
	return d.fs().Rename(tmp, d.File(name))
}

// measure sets the sizes INFO reports from the files on disk.
func (a *Appender) measure() error {
	a.size, a.baseSize = 0, 0
	if a.man.Base != nil {
		n, err := a.dir.Size(a.man.Base.Name)
		if err != nil {
			return err
		}
		a.baseSize = n
		a.size += n
	}
	for _, in := range a.man.Incr {
		n, err := a.dir.Size(in.Name)
		if err != nil {
			return err
		}
		a.size += n
		if in.Name == a.name {
			a.incrSize = n
		}
	}
	return nil
}

// Feed records a command that changed data in database db. It writes a
// SELECT first when the database differs from the previous command's, as
// Redis does. Nothing reaches the file before Flush.
func (a *Appender) Feed(db int, args [][]byte) {
	if db != a.selected {
		a.buf = resp.AppendCommand(a.buf, []byte("SELECT"), []byte(fmt.Sprint(db)))
		a.selected = db
	}
	a.buf = resp.AppendCommand(a.buf, args...)
}

// Flush writes what was fed since the last Flush and, under always, fsyncs
// it. It is called once per loop turn before any reply is sent, so one
// write(2) and one fsync serve all the commands of the turn (Redis's
// group commit). On error nothing is lost: the bytes stay in memory and
// the next Flush tries again; Err reports the condition meanwhile.
//
// The error returned says whether this turn's data is durable as the
// policy promises; under always a non-nil error means the replies of this
// turn's writes must not be sent.
func (a *Appender) Flush() error {
	if len(a.buf) == 0 && !a.unsynced {
		return nil
	}
	n, err := a.file.Write(a.buf)
	if err == nil && n < len(a.buf) {
		err = fmt.Errorf("short write (%d of %d bytes): %w", n, len(a.buf), errShortWrite)
	}
	if err != nil {
		a.writeFailed(n, err)
		return err
	}
	if a.policy == Always {
		if err := a.file.Sync(); err != nil {
			// The data is in the page cache but may never reach the disk,
			// and after a failed fsync Linux may report a later one as
			// successful anyway. Take the bytes back out of the file and
			// write them again next turn.
			a.writeFailed(n, fmt.Errorf("fsync: %w", err))
			return err
		}
		a.unsynced = false
	}
	a.wrote(n)
	a.buf = a.buf[:0]
	if cap(a.buf) > 1<<20 {
		a.buf = nil // don't keep a burst's buffer forever
	}
	if a.writeErr != nil {
		a.log.Warnf("AOF write error looks solved, the server can write again.")
		a.writeErr = nil
	}
	return nil
}

var errShortWrite = errors.New("no space left on device")

// wrote accounts n bytes as written to the current file.
func (a *Appender) wrote(n int) {
	a.size += int64(n)
	a.incrSize += int64(n)
	a.cur.written.Store(a.incrSize)
}

// writeFailed handles a failed or short write: it removes the n bytes that
// did reach the file (so the file never holds half a command that will be
// written again) and keeps everything in buf. If that truncate fails too,
// the written part stays in the file and leaves buf.
func (a *Appender) writeFailed(n int, err error) {
	if a.writeErr == nil || time.Since(a.lastErrLog) > errLogEvery {
		a.log.Warnf("Error writing to the AOF file %s: %v", a.name, err)
		a.lastErrLog = time.Now()
	}
	a.writeErr = err
	if n <= 0 {
		return
	}
	if terr := a.file.Truncate(a.incrSize); terr != nil {
		a.log.Warnf("Could not remove short write from the append-only file %s: %v", a.name, terr)
		a.wrote(n)
		a.buf = a.buf[n:]
		// Under always those bytes still need an fsync before the next
		// turn may count as durable.
		a.unsynced = a.policy == Always
	}
}

// Err is the reason writes must be refused, nil when the AOF works: the
// last write failed (the bytes are waiting in memory), or under everysec
// the last background fsync failed.
func (a *Appender) Err() error {
	if a.writeErr != nil {
		return a.writeErr
	}
	if a.policy == EverySec {
		return a.bio.fsyncErr()
	}
	return nil
}

// Pending is the number of bytes fed but not yet written (aof_buffer_length).
func (a *Appender) Pending() int { return len(a.buf) }

// Size is aof_current_size: the base and incr files plus what was written.
func (a *Appender) Size() int64 { return a.size }

// BaseSize is aof_base_size.
func (a *Appender) BaseSize() int64 { return a.baseSize }

// Policy returns the fsync policy.
func (a *Appender) Policy() Policy { return a.policy }

// SetPolicy changes the fsync policy (CONFIG SET appendfsync). Switching
// to always takes effect at the next Flush.
func (a *Appender) SetPolicy(p Policy) {
	a.policy = p
	a.bio.everysec.Store(p == EverySec)
}

// FsyncInProgress reports a background fsync running (aof_pending_bio_fsync).
func (a *Appender) FsyncInProgress() bool { return a.bio.busy.Load() }

// Dir returns the directory the Appender writes to.
func (a *Appender) Dir() Dir { return a.dir }

// Manifest returns the manifest in use. Callers must not change it: clone
// it, change the clone, persist it with Dir.WriteManifest, then install it
// with SetManifest.
func (a *Appender) Manifest() *Manifest { return a.man }

// SetManifest installs a manifest already persisted on disk (after a
// rewrite swapped in a new base) and recomputes the sizes.
func (a *Appender) SetManifest(m *Manifest) error {
	a.man = m
	return a.measure()
}

// ForceSelect makes the next Feed write a SELECT, as a new file needs one.
func (a *Appender) ForceSelect() { a.selected = -1 }

// Rotate starts a new incr file and appends to it from now on (Redis's
// openNewIncrAofForAppend). A rewrite calls it when it starts: the new
// base will contain everything before this point, the new incr file
// everything after. Pending bytes go to the old file first. If anything
// fails, nothing changed: the old file and manifest stay in use.
func (a *Appender) Rotate() error {
	if err := a.Flush(); err != nil {
		return err
	}
	m := a.man.Clone()
	name := m.NewIncr(a.dir.Prefix)
	fsys := a.dir.fs()
	if err := a.dir.createEmpty(name); err != nil {
		return err
	}
	f, err := fsys.OpenAppend(a.dir.File(name))
	if err != nil {
		return fmt.Errorf("can't open the append-only file %s: %w", name, err)
	}
	if err := a.dir.WriteManifest(m); err != nil {
		f.Close()
		fsys.Remove(a.dir.File(name))
		return err
	}
	a.log.Infof("Creating AOF incr file %s on background rewrite", name)
	old := a.file
	a.file, a.name, a.man, a.incrSize = f, name, m, 0
	a.cur = &target{f: f}
	a.bio.cur.Store(a.cur)
	a.selected = -1
	select {
	case a.bio.jobs <- old:
	default: // the queue is full: the disk is very slow; close it here
		old.Sync()
		old.Close()
	}
	return nil
}

// Close writes what is pending, fsyncs and closes the file: the clean
// shutdown path. An error means some fed data did not reach the disk.
func (a *Appender) Close() error {
	a.bio.stop()
	err := a.Flush()
	if serr := a.file.Sync(); err == nil {
		err = serr
	}
	if cerr := a.file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("closing the AOF %s: %w", a.name, err)
	}
	return nil
}
