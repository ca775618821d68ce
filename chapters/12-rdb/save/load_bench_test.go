package save

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

// BenchmarkLoad loads a file of 100,000 string keys.
func BenchmarkLoad(b *testing.B) {
	var file bytes.Buffer
	e := rdb.NewEncoder(&file, rdb.Defaults())
	e.WriteHeader()
	e.SelectDB(0)
	e.ResizeDB(100000, 0)
	for i := 0; i < 100000; i++ {
		e.WriteKey(fmt.Appendf(nil, "key:%d", i), rdb.String(fmt.Appendf(nil, "value-%d-xxxxxxxxxxxxxxxx", i)), rdb.Meta{})
	}
	e.Close()
	path := filepath.Join(b.TempDir(), "dump.rdb")
	os.WriteFile(path, file.Bytes(), 0o644)
	log := logrus.New()
	log.SetOutput(io.Discard)
	srv, err := server.New(server.Options{Listen: []string{"127.0.0.1:0"}, Log: log})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Loop.CloseAll()
	b.ResetTimer()
	for range b.N {
		dbs := []*keyspace.DB{keyspace.New()}
		keyspace.Observe(dbs)
		if _, err := NewLoader(srv, dbs, nil).File(path); err != nil {
			b.Fatal(err)
		}
	}
}
