package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

func TestDumpPrintsEveryRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dump.rdb")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	e := rdb.NewEncoder(f, rdb.Defaults())
	e.WriteHeader()
	e.WriteAux("redis-ver", "7.0.15")
	e.SelectDB(0)
	e.ResizeDB(2, 1)
	e.WriteKey([]byte("greeting"), rdb.String("hello"), rdb.Meta{ExpireMs: 1800000000000})
	e.WriteKey([]byte("letters"), rdb.List{[]byte("a"), []byte("b"), []byte("c"), []byte("d"), []byte("e")}, rdb.Meta{})
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var out bytes.Buffer
	if err := dump(&out, path); err != nil {
		t.Fatal(err)
	}
	want := `aux redis-ver = 7.0.15
select db 0
resize db: 2 keys, 1 with expiry
key "greeting" string "hello" expires 2027-01-15T08:00:00Z
key "letters" list(5) ["a" "b" "c" "d" ...]
EOF, version 10, checksum OK
`
	if out.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", out.String(), want)
	}
	// A cut file fails with the file's name and the offset.
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-3], 0o644)
	err = dump(&out, path)
	if err == nil || !strings.Contains(err.Error(), path+": offset") {
		t.Fatalf("cut file: %v", err)
	}
}
