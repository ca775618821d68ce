package save

import (
	"fmt"
	"unsafe"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

// Types converts the values that are not strings: the server's lists,
// hashes, sets and sorted sets (rdbvalue.Types), whose settings
// also decide how a value is laid out. A server of strings alone passes
// nil.
type Types interface {
	// Value is e's value in the codec's terms.
	Value(e *keyspace.Entry) (rdb.Value, error)
	// Build makes the server's value from a loaded one: a []byte for a
	// string, else a value to store with DB.Set.
	Build(v rdb.Value) (any, error)
	// Options are the layout settings (list-max-listpack-size ...).
	Options() rdb.Options
}

// format writes a snapshot as an RDB file (rewrite.Format): the header
// and AUX fields, SELECTDB and RESIZEDB before a database's first key,
// the keys, EOF and the CRC64. Its methods run on the loop goroutine.
type format struct {
	st      *rdb.Builder
	info    rdb.Info
	dbs     []*keyspace.DB
	types   Types
	funcs   Functions // nil: no libraries to write
	resized []bool    // a RESIZEDB hint was written for the database
}

func (s *Saver) newFormat(aofBase bool) *format {
	opts := rdb.Defaults()
	if s.types != nil {
		opts = s.types.Options()
	}
	opts.Compression, opts.Checksum = s.cfg.Compression, s.cfg.Checksum
	info := rdb.Info{RedisVer: server.Version, Bits: 64, CTime: s.srv.Now().Unix(), UsedMem: s.usedMemory(), AOFBase: aofBase}
	return &format{st: rdb.NewBuilder(opts), info: info, dbs: s.dbs, types: s.types, funcs: s.loader.funcs, resized: make([]bool, len(s.dbs))}
}

// Begin writes the header and AUX fields, then the function libraries,
// as Redis's rdbSaveRio does.
func (f *format) Begin(dst []byte) []byte {
	dst = f.st.Header(dst, f.info)
	if f.funcs != nil {
		for _, code := range f.funcs.Codes() {
			dst = f.st.Function(dst, code)
		}
	}
	return dst
}
func (f *format) End(dst []byte) []byte { return f.st.End(dst) }

// Key writes one key. The copy on write may interleave databases, so a
// database can be selected more than once; the size hint goes with the
// first time only.
func (f *format) Key(dst []byte, db int, switched bool, e *keyspace.Entry) ([]byte, error) {
	if switched {
		var keys, expires uint64
		if !f.resized[db] {
			f.resized[db] = true
			keys, expires = uint64(f.dbs[db].Len()), uint64(f.dbs[db].Expires())
		}
		dst = f.st.SelectDB(dst, db, keys, expires)
	}
	// The key is only read while it is encoded.
	key := unsafe.Slice(unsafe.StringData(e.Key), len(e.Key))
	meta := rdb.Meta{ExpireMs: e.ExpireAt}
	if b, ok := e.Bytes(); ok {
		return f.st.StringKey(dst, key, b, meta), nil
	}
	v, err := f.value(e)
	if err != nil {
		return dst, err
	}
	return f.st.Key(dst, key, v, meta)
}

// value is e's value, not a string, in the codec's terms.
func (f *format) value(e *keyspace.Entry) (rdb.Value, error) {
	if f.types == nil {
		return nil, fmt.Errorf("key %q: no RDB form for values of type %T", e.Key, e.Value)
	}
	v, err := f.types.Value(e)
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", e.Key, err)
	}
	return v, nil
}
