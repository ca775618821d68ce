package aof

import (
	"io"
	"sync"
)

// FaultFS wraps an FS so that writes and fsyncs fail on demand, the way a
// full disk (ENOSPC) or a dying one (EIO) makes them fail. Tests use it to
// check that the AOF never loses data silently. It passes everything to
// Base until a fault is set.
type FaultFS struct {
	Base FS

	mu       sync.Mutex
	writeErr error
	partial  bool // a failing write first writes half its bytes
	syncErr  error
	writes   int
	syncs    int
}

// NewFaultFS wraps base (nil means OS).
func NewFaultFS(base FS) *FaultFS {
	if base == nil {
		base = OS{}
	}
	return &FaultFS{Base: base}
}

// FailWrites makes every Write fail with err (nil: work again). With
// partial, a failing Write first writes half its bytes, a short write.
func (f *FaultFS) FailWrites(err error, partial bool) {
	f.mu.Lock()
	f.writeErr, f.partial = err, partial
	f.mu.Unlock()
}

// FailSyncs makes every Sync fail with err (nil: work again).
func (f *FaultFS) FailSyncs(err error) {
	f.mu.Lock()
	f.syncErr = err
	f.mu.Unlock()
}

// Counts returns how many Write and Sync calls were made.
func (f *FaultFS) Counts() (writes, syncs int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes, f.syncs
}

func (f *FaultFS) wrap(file File, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f}, nil
}

// OpenAppend implements FS.
func (f *FaultFS) OpenAppend(name string) (File, error) { return f.wrap(f.Base.OpenAppend(name)) }

// Create implements FS.
func (f *FaultFS) Create(name string) (File, error) { return f.wrap(f.Base.Create(name)) }

type faultFile struct {
	File
	fs *FaultFS
}

func (w *faultFile) Write(p []byte) (int, error) {
	w.fs.mu.Lock()
	w.fs.writes++
	err, partial := w.fs.writeErr, w.fs.partial
	w.fs.mu.Unlock()
	if err == nil {
		return w.File.Write(p)
	}
	if partial && len(p) > 1 {
		n, _ := w.File.Write(p[:len(p)/2])
		return n, err
	}
	return 0, err
}

func (w *faultFile) Sync() error {
	w.fs.mu.Lock()
	w.fs.syncs++
	err := w.fs.syncErr
	w.fs.mu.Unlock()
	if err != nil {
		return err
	}
	return w.File.Sync()
}

// The rest of FS goes straight to Base.

// Open implements FS.
func (f *FaultFS) Open(name string) (io.ReadCloser, error) { return f.Base.Open(name) }

// Size implements FS.
func (f *FaultFS) Size(name string) (int64, error) { return f.Base.Size(name) }

// Truncate implements FS.
func (f *FaultFS) Truncate(name string, size int64) error { return f.Base.Truncate(name, size) }

// Rename implements FS.
func (f *FaultFS) Rename(oldname, newname string) error { return f.Base.Rename(oldname, newname) }

// Remove implements FS.
func (f *FaultFS) Remove(name string) error { return f.Base.Remove(name) }

// MkdirAll implements FS.
func (f *FaultFS) MkdirAll(dir string) error { return f.Base.MkdirAll(dir) }

// SyncDir implements FS.
func (f *FaultFS) SyncDir(dir string) error { return f.Base.SyncDir(dir) }
