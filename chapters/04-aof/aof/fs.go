package aof

import (
	"io"
	"os"
	"path/filepath"
)

// FS is the file layer under the AOF. The server uses OS; tests swap in a
// layer that fails with ENOSPC or EIO on demand, which is the only practical
// way to check what the server does when the disk is full.
type FS interface {
	// OpenAppend opens name for appending (O_WRONLY|O_APPEND|O_CREAT, 0644).
	OpenAppend(name string) (File, error)
	// Create creates or truncates name for writing.
	Create(name string) (File, error)
	// Open opens name for reading.
	Open(name string) (io.ReadCloser, error)
	// Size returns the size of name; errors wrap fs.ErrNotExist when it is missing.
	Size(name string) (int64, error)
	Truncate(name string, size int64) error
	Rename(oldname, newname string) error
	Remove(name string) error
	// MkdirAll creates dir (and parents) if missing.
	MkdirAll(dir string) error
	// SyncDir fsyncs a directory so that renames and new files in it survive
	// a power loss.
	SyncDir(dir string) error
}

// File is an open AOF file. Write and Sync may be called from different
// goroutines at the same time (the loop writes while the everysec goroutine
// fsyncs); Truncate and Close only from the goroutine that owns the file.
type File interface {
	io.Writer
	// Sync makes the written data durable (fdatasync on Linux, like Redis).
	Sync() error
	Truncate(size int64) error
	Close() error
}

// OS is the real file system.
type OS struct{}

// OpenAppend implements FS.
func (OS) OpenAppend(name string) (File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Create implements FS.
func (OS) Create(name string) (File, error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_TRUNC|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

// Open implements FS.
func (OS) Open(name string) (io.ReadCloser, error) { return os.Open(name) }

// Size implements FS.
func (OS) Size(name string) (int64, error) {
	st, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// Truncate implements FS.
func (OS) Truncate(name string, size int64) error { return os.Truncate(name, size) }

// Rename implements FS.
func (OS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

// Remove implements FS.
func (OS) Remove(name string) error { return os.Remove(name) }

// MkdirAll implements FS.
func (OS) MkdirAll(dir string) error { return os.MkdirAll(dir, 0o755) }

// SyncDir implements FS.
func (OS) SyncDir(dir string) error {
	d, err := os.Open(filepath.Clean(dir))
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

type osFile struct{ f *os.File }

func (o osFile) Write(p []byte) (int, error) { return o.f.Write(p) }
func (o osFile) Sync() error                 { return datasync(o.f) }
func (o osFile) Truncate(size int64) error   { return o.f.Truncate(size) }
func (o osFile) Close() error                { return o.f.Close() }
