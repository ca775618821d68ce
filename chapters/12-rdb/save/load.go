package save

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

// Loader reads RDB files into a server's databases: dump.rdb at start
// and on DEBUG RELOAD, and the RDB base of an AOF (AOFBase, which the
// AOF's loader calls). It makes no decision about what to load.
type Loader struct {
	srv   *server.Server
	dbs   []*keyspace.DB
	types Types
	funcs Functions

	// What the last load did (INFO's rdb_last_load_keys_*).
	loaded, expired int64
}

// Functions are the function libraries (chapter 15's scripting layer),
// which an RDB file holds before its keys: Codes lists them for a save,
// Load adds one read from a file.
type Functions interface {
	Codes() [][]byte
	Load(code []byte) error
}

// UseFunctions makes the loads read, and the saves write, the function
// libraries of f. Without it a file's libraries are skipped.
func (l *Loader) UseFunctions(f Functions) { l.funcs = f }

// NewLoader returns a Loader into dbs, building values that are not
// strings with types (nil: strings only).
func NewLoader(srv *server.Server, dbs []*keyspace.DB, types Types) *Loader {
	return &Loader{srv: srv, dbs: dbs, types: types}
}

// AOFBase is an aof.RDBLoader: it loads the RDB part of an AOF base.
// Keys whose time to live passed are kept, as Redis keeps them for an AOF
// preamble: the commands after it may still refer to them, and expiry
// removes them later with a DEL the log records.
func (l *Loader) AOFBase(r *bufio.Reader, name string) (int64, error) {
	return l.read(r, name, true)
}

// File loads the RDB file at path. A missing file is no error: the
// server starts empty. Keys whose time to live passed are left out, as a
// Redis primary leaves them out.
func (l *Loader) File(path string) (found bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	err = l.srv.Load(func(server.Apply) error {
		_, err := l.read(bufio.NewReaderSize(f, 256<<10), path, false)
		return err
	})
	return true, err
}

// read applies every key of the file as it is decoded. An error stops the
// load with the keys read so far in memory: the caller refuses to start
// (or, for DEBUG RELOAD, stops), so a partial keyspace is never served.
func (l *Loader) read(r *bufio.Reader, name string, keepExpired bool) (int64, error) {
	d := rdb.NewDecoder(r, name)
	now := l.srv.Now().UnixMilli()
	l.loaded, l.expired = 0, 0
	for {
		e, err := d.Next()
		if err == io.EOF {
			return d.Offset(), nil
		}
		if err != nil {
			return d.Offset(), err
		}
		if e.Kind == rdb.KindResizeDB && e.DB >= 0 && e.DB < len(l.dbs) {
			l.dbs[e.DB].Expand(int(min(e.DBSize, 1<<26))) // a hint, not a promise: bounded
		}
		if e.Kind == rdb.KindFunction && l.funcs != nil {
			if err := l.funcs.Load(e.Function); err != nil {
				return d.Offset(), fmt.Errorf("%s: function library: %w", name, err)
			}
		}
		if e.Kind != rdb.KindKey {
			continue
		}
		if err := l.key(e, now, keepExpired); err != nil {
			return d.Offset(), fmt.Errorf("%s: key %q: %w", name, e.Key, err)
		}
	}
}

// key stores one decoded key.
func (l *Loader) key(e rdb.Entry, now int64, keepExpired bool) error {
	if e.DB < 0 || e.DB >= len(l.dbs) {
		return fmt.Errorf("database %d out of range (the server has %d databases)", e.DB, len(l.dbs))
	}
	if e.ExpireMs != 0 && e.ExpireMs < now && !keepExpired {
		l.expired++
		return nil
	}
	db := l.dbs[e.DB]
	before := db.Len()
	var entry *keyspace.Entry
	if s, ok := e.Value.(rdb.String); ok {
		entry = db.SetString(e.Key, s, now)
	} else {
		if l.types == nil {
			return fmt.Errorf("a %T value, which this server does not have", e.Value)
		}
		v, err := l.types.Build(e.Value)
		if err != nil {
			return err
		}
		if b, ok := v.([]byte); ok {
			entry = db.SetString(e.Key, b, now)
		} else {
			entry = db.Set(e.Key, v, now)
		}
	}
	if db.Len() == before { // the key was there: Set replaced it
		return errors.New("duplicate key in the RDB file")
	}
	if e.ExpireMs != 0 {
		db.SetExpire(entry, e.ExpireMs)
	}
	l.loaded++
	return nil
}
