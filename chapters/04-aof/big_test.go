package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/procmem"
)

// TestBigAOFLoadsInBoundedMemory loads a 1 GB AOF and checks the server's
// peak RSS stays far below the file size: the loader streams through a
// window. The data set is small on purpose (the same 1000 keys written
// over and over), so the RSS measures the loader, not the data.
// Run with GOCACHE_BIG_AOF=1 (needs 1 GB of disk; takes a while).
func TestBigAOFLoadsInBoundedMemory(t *testing.T) {
	if os.Getenv("GOCACHE_BIG_AOF") == "" {
		t.Skip("set GOCACHE_BIG_AOF=1 to load a 1 GB AOF and measure the peak RSS")
	}
	dir := t.TempDir()
	adir := filepath.Join(dir, "appendonlydir")
	must(t, os.MkdirAll(adir, 0o755))
	must(t, os.WriteFile(filepath.Join(adir, "appendonly.aof.1.base.aof"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(adir, "appendonly.aof.manifest"),
		[]byte("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"), 0o644))
	f, err := os.Create(filepath.Join(adir, "appendonly.aof.1.incr.aof"))
	must(t, err)
	w := bufio.NewWriterSize(f, 1<<20)
	value := strings.Repeat("x", 1000)
	var size int64
	for n := 0; size < 1<<30; n++ {
		k := "key:" + strconv.Itoa(n%1000)
		cmd := fmt.Sprintf("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", len(k), k, len(value), value)
		w.WriteString(cmd)
		size += int64(len(cmd))
	}
	must(t, w.Flush())
	must(t, f.Close())

	start := time.Now()
	p := spawn(t, dir, "--appendonly", "yes", "--dir", dir)
	p.WaitReady(t, 10*time.Minute)
	took := time.Since(start)
	peak, err := procmem.PeakRSS(p.Cmd.Process.Pid)
	must(t, err)
	t.Logf("loaded %d MB in %.1f s (%.0f MB/s), peak RSS %d MB", size>>20, took.Seconds(), float64(size>>20)/took.Seconds(), peak>>20)
	if peak > 100<<20 {
		t.Fatalf("peak RSS %d MB while loading a %d MB file: not bounded", peak>>20, size>>20)
	}
	if got := mustDial(t, p.Addr).str(t, "GET", "key:7"); got != value {
		t.Fatalf("GET key:7 = %.20q", got)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
