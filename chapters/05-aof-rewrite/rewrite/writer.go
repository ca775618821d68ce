package rewrite

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/gocache/gocache/chapters/04-aof/aof"
)

// Step is a point in a rewrite after which the directory is in a new
// state. Each one leaves a directory that loads to the right data; the
// AfterStep hook lets tests stop a rewrite there, as a crash would.
type Step int

const (
	// StepRotated: a new incr file takes the writes and the manifest on
	// disk lists it after the old files.
	StepRotated Step = iota + 1
	// StepBaseWritten: the new base is complete and fsynced under its
	// temp name, which no manifest lists.
	StepBaseWritten
	// StepBaseRenamed: the new base has its final name, still unlisted.
	StepBaseRenamed
	// StepManifestWritten: the manifest lists the new base and the new
	// incr file; the old files are listed as history.
	StepManifestWritten
	// StepHistoryRemoved: the manifest lists no history and the old files
	// are deleted. The rewrite is over.
	StepHistoryRemoved
)

var stepNames = [...]string{"", "rotated", "base-written", "base-renamed", "manifest-written", "history-removed"}

func (s Step) String() string {
	if s > 0 && int(s) < len(stepNames) {
		return stepNames[s]
	}
	return fmt.Sprintf("Step(%d)", int(s))
}

// errAborted is why a writer stops when the loop gave up the rewrite.
var errAborted = errors.New("rewrite aborted")

// syncEvery is how many bytes of the new base may be written before an
// intermediate fsync (Redis's aof-rewrite-incremental-fsync uses 4 MB):
// the final fsync then has little left to do, and the disk sees a steady
// stream instead of one burst.
var syncEvery int64 = 4 << 20

// writer is the goroutine that owns the new base file. It writes the
// chunks the scan hands over; once the loop says the snapshot is complete
// it puts the file in place (rename, manifest, history). It never touches
// the keyspace, and the loop never waits for it.
type writer struct {
	dir   aof.Dir
	fsys  aof.FS
	tmp   string        // the temp base file, inside the AOF directory
	base  string        // the new base's name
	final *aof.Manifest // the manifest to persist once the base is in place

	in     <-chan []byte
	free   chan<- []byte // written chunks go back for reuse
	wake   func()        // a chunk was taken: let a stalled scan go on
	commit chan bool     // the loop's verdict after the base is written
	cancel atomic.Bool
	exited chan struct{}

	afterStep func(Step) error // nil, or the crash-injection hook
	size      int64            // bytes of the new base
}

// writeBase writes the snapshot's chunks into the temp base file.
func (w *writer) writeBase() error {
	f, err := w.fsys.Create(w.dir.File(w.tmp))
	var n int64
	n, err = Drain(f, err, w.in, w.free, w.wake, &w.cancel)
	w.size = n
	if err != nil {
		return fmt.Errorf("write the temporary AOF base file %s: %w", w.tmp, err)
	}
	return w.step(StepBaseWritten)
}

// Drain is a snapshot writer's loop, on its own goroutine: it writes
// every chunk from in to f (opened with error openErr) until the loop
// closes the channel, fsyncing every syncEvery bytes and at the end, then
// closes f. After an error, or once cancel is set, it keeps taking chunks
// (and waking the scan) without writing them, so that the loop, told
// through the returned error, can close the channel and move on. It
// returns the bytes written.
func Drain(f aof.File, openErr error, in <-chan []byte, free chan<- []byte, wake func(), cancel *atomic.Bool) (int64, error) {
	err := openErr
	var size, synced int64
	for b := range in {
		wake()
		if err != nil || cancel.Load() {
			continue
		}
		var n int
		n, err = f.Write(b)
		recycle(free, b)
		size += int64(n)
		if err == nil && n < len(b) {
			err = fmt.Errorf("short write (%d of %d bytes)", n, len(b))
		}
		if err == nil && size-synced >= syncEvery {
			err = f.Sync()
			synced = size
		}
	}
	if f != nil {
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil && cancel.Load() {
		err = errAborted
	}
	return size, err
}

// Chunks are the snapshot's channels for Drain: the bytes to write, and
// where written chunks go back for reuse.
func (s *Snapshot) Chunks() (in <-chan []byte, free chan<- []byte) { return s.out, s.free }

// recycle hands a written chunk back to the scan, unless it is one the
// copy on write grew far past the usual size.
func recycle(free chan<- []byte, b []byte) {
	if cap(b) > 2*chunkSize {
		return
	}
	select {
	case free <- b:
	default:
	}
}

// install puts a complete base in place, in the order that keeps every
// intermediate directory loadable: rename (the file is still unlisted),
// persist the manifest that lists it (one atomic rename), then drop the
// history. It returns the manifest now on disk; nil means the rewrite
// failed and the old manifest is still the one on disk.
func (w *writer) install() (*aof.Manifest, error) {
	if err := w.fsys.Rename(w.dir.File(w.tmp), w.dir.File(w.base)); err != nil {
		w.fsys.Remove(w.dir.File(w.tmp))
		return nil, fmt.Errorf("rename the temporary AOF base file %s into %s: %w", w.tmp, w.base, err)
	}
	if err := w.fsys.SyncDir(w.dir.Path); err != nil {
		return nil, fmt.Errorf("fsync AOF directory %s: %w", w.dir.Path, err)
	}
	if err := w.step(StepBaseRenamed); err != nil {
		return nil, err
	}
	if err := w.dir.WriteManifest(w.final); err != nil {
		// The manifest on disk is still the old one: the new base is an
		// unlisted file, and the next rewrite will reuse its name.
		w.fsys.Remove(w.dir.File(w.base))
		return nil, err
	}
	if err := w.step(StepManifestWritten); err != nil {
		return nil, err
	}
	clean := w.final.Clone()
	if err := w.dir.RemoveHistory(clean); err != nil {
		// The rewrite itself succeeded; history files left behind stay
		// listed and go with the next rewrite.
		if clean.History == nil {
			return clean, fmt.Errorf("delete AOF history files: %w", err)
		}
		return w.final, fmt.Errorf("persist the AOF manifest without history: %w", err)
	}
	return clean, w.step(StepHistoryRemoved)
}

func (w *writer) step(s Step) error {
	if w.afterStep == nil {
		return nil
	}
	if err := w.afterStep(s); err != nil {
		return &haltError{step: s, err: err}
	}
	return nil
}

// haltError is a rewrite stopped by the AfterStep hook. Nothing is cleaned
// up: the directory stays exactly as a crash at that point leaves it.
type haltError struct {
	step Step
	err  error
}

func (e *haltError) Error() string { return fmt.Sprintf("halted after step %s: %v", e.step, e.err) }
func (e *haltError) Unwrap() error { return e.err }

func isHalt(err error) bool {
	var h *haltError
	return errors.As(err, &h)
}
