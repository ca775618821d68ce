package save

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

func testServer(t *testing.T) *server.Server {
	log := logrus.New()
	log.SetOutput(io.Discard)
	srv, err := server.New(server.Options{Listen: []string{"127.0.0.1:0"}, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Loop.CloseAll)
	return srv
}

// TestLoaderRefuses: a duplicate key, a database the server does not
// have, and a type it does not have stop the load with the key's name.
func TestLoaderRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(e *rdb.Encoder)
		want  string
	}{
		{"duplicate", func(e *rdb.Encoder) {
			e.SelectDB(0)
			e.WriteKey([]byte("k"), rdb.String("1"), rdb.Meta{})
			e.WriteKey([]byte("k"), rdb.String("2"), rdb.Meta{})
		}, `key "k": duplicate key`},
		{"database", func(e *rdb.Encoder) {
			e.SelectDB(5)
			e.WriteKey([]byte("k"), rdb.String("1"), rdb.Meta{})
		}, `key "k": database 5 out of range`},
		{"type", func(e *rdb.Encoder) {
			e.SelectDB(0)
			e.WriteKey([]byte("l"), rdb.List{[]byte("a")}, rdb.Meta{})
		}, `key "l": a rdb.List value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			e := rdb.NewEncoder(&b, rdb.Defaults())
			e.WriteHeader()
			tc.write(e)
			e.Close()
			path := filepath.Join(t.TempDir(), "dump.rdb")
			os.WriteFile(path, b.Bytes(), 0o644)
			dbs := []*keyspace.DB{keyspace.New(), keyspace.New()}
			keyspace.Observe(dbs)
			_, err := NewLoader(testServer(t), dbs, nil).File(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want the file and %q", err, tc.want)
			}
		})
	}
}

// TestLoaderSkipsExpiredKeysButNotInAnAOFBase: dump.rdb leaves out a
// key whose time passed, as a Redis primary does; an AOF base keeps it
// for the commands after it.
func TestLoaderSkipsExpiredKeysButNotInAnAOFBase(t *testing.T) {
	var b bytes.Buffer
	e := rdb.NewEncoder(&b, rdb.Defaults())
	e.WriteHeader()
	e.SelectDB(0)
	e.WriteKey([]byte("gone"), rdb.String("x"), rdb.Meta{ExpireMs: 1000})
	e.WriteKey([]byte("here"), rdb.String("y"), rdb.Meta{})
	e.Close()
	path := filepath.Join(t.TempDir(), "dump.rdb")
	os.WriteFile(path, b.Bytes(), 0o644)
	srv := testServer(t)
	dbs := []*keyspace.DB{keyspace.New()}
	keyspace.Observe(dbs)
	l := NewLoader(srv, dbs, nil)
	if _, err := l.File(path); err != nil {
		t.Fatal(err)
	}
	if dbs[0].Len() != 1 || l.loaded != 1 || l.expired != 1 {
		t.Fatalf("dump.rdb: %d keys, loaded %d, expired %d", dbs[0].Len(), l.loaded, l.expired)
	}
	dbs = []*keyspace.DB{keyspace.New()}
	keyspace.Observe(dbs)
	l = NewLoader(srv, dbs, nil)
	n, err := l.AOFBase(bufioReader(b.Bytes()), "base.rdb")
	if err != nil || n != int64(b.Len()) || dbs[0].Len() != 2 {
		t.Fatalf("AOF base: %d keys, read %d of %d bytes, %v", dbs[0].Len(), n, b.Len(), err)
	}
}

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }
