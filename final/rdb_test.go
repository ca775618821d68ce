package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// baseName is the base file the manifest in dir lists.
func baseName(t *testing.T, dir string) string {
	t.Helper()
	manifest, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(manifest), "\n") {
		if f := strings.Fields(line); len(f) == 6 && f[5] == "b" {
			return f[1]
		}
	}
	t.Fatalf("no base in the manifest:\n%s", manifest)
	return ""
}

// TestRDBPreambleBothWays is the AOF with Redis 7's defaults
// (aof-use-rdb-preamble yes): after BGREWRITEAOF and more writes,
// gocache's directory loads in redis-server 7, and redis-server's loads
// in gocache, to the same data.
func TestRDBPreambleBothWays(t *testing.T) {
	if servertest.RedisPath() == "" {
		t.Skip("redis-server not installed: skipping the comparison with real Redis (apt-get install redis-server)")
	}
	ctx := context.Background()
	after := func(addr string) {
		c := dialDB(t, addr, 0)
		c.RPush(ctx, "big:list", "after the rewrite")
		c.Del(ctx, "list:3")
		c.Expire(ctx, "set:4", time.Hour)
		c.Incr(ctx, "counter")
	}
	t.Run("gocache to redis", func(t *testing.T) {
		dir := t.TempDir()
		p := startProc(t, "--appendonly", "yes", "--dir", dir, "--auto-aof-rewrite-percentage", "0")
		populate(t, p.Addr, true)
		bgrewrite(t, dialDB(t, p.Addr, 0))
		after(p.Addr)
		base := baseName(t, dir)
		if !strings.HasSuffix(base, ".base.rdb") {
			t.Fatalf("the base is %s, want an RDB base", base)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", base))
		if !bytes.HasPrefix(b, []byte("REDIS0010")) {
			t.Fatalf("%s starts with %q", base, b[:min(len(b), 9)])
		}
		at := time.Now()
		before := capture(t, p.Addr)
		stopProc(t, p, true)
		copied := t.TempDir()
		copyDir(t, filepath.Join(dir, "appendonlydir"), filepath.Join(copied, "appendonlydir"))
		addr := servertest.StartRedis(t, "--appendonly", "yes", "--dir", copied)
		sameData(t, "redis-server 7 on gocache's RDB base", before, capture(t, addr), time.Since(at))
		p = startProc(t, "--appendonly", "yes", "--dir", dir)
		sameData(t, "gocache after restart", before, capture(t, p.Addr), time.Since(at))
	})
	t.Run("redis to gocache", func(t *testing.T) {
		dir := t.TempDir()
		addr := servertest.StartRedis(t, "--appendonly", "yes", "--dir", dir, "--aof-use-rdb-preamble", "yes")
		populate(t, addr, true)
		bgrewrite(t, dialDB(t, addr, 0))
		after(addr)
		if base := baseName(t, dir); !strings.HasSuffix(base, ".base.rdb") {
			t.Fatalf("redis-server wrote the base %s", base)
		}
		at := time.Now()
		before := capture(t, addr)
		dialDB(t, addr, 0).Do(ctx, "SHUTDOWN") // flushes the AOF; the error is the closed connection
		copied := t.TempDir()
		copyDir(t, filepath.Join(dir, "appendonlydir"), filepath.Join(copied, "appendonlydir"))
		p := startProc(t, "--appendonly", "yes", "--dir", copied)
		sameData(t, "gocache on redis-server's RDB base", before, capture(t, p.Addr), time.Since(at))
	})
}

// TestDumpRDBBothWays: with appendonly no, dump.rdb is the data. What
// gocache saves loads in redis-server, and what redis-server saves loads
// in gocache; DEBUG RELOAD saves and loads it in place.
func TestDumpRDBBothWays(t *testing.T) {
	if servertest.RedisPath() == "" {
		t.Skip("redis-server not installed: skipping the comparison with real Redis (apt-get install redis-server)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	p := startProc(t, "--dir", dir)
	populate(t, p.Addr, true)
	at := time.Now()
	before := capture(t, p.Addr)
	c := dialDB(t, p.Addr, 0)
	if got, err := c.Do(ctx, "DEBUG", "RELOAD").Result(); err != nil || got != "OK" {
		t.Fatalf("DEBUG RELOAD: %v %v\n%s", got, err, p.Log)
	}
	sameData(t, "gocache after DEBUG RELOAD", before, capture(t, p.Addr), time.Since(at))
	if got, err := c.Save(ctx).Result(); err != nil || got != "OK" {
		t.Fatalf("SAVE: %v %v", got, err)
	}
	stopProc(t, p, true)
	rdir := t.TempDir()
	copyFile(t, filepath.Join(dir, "dump.rdb"), filepath.Join(rdir, "dump.rdb"))
	raddr := servertest.StartRedis(t, "--dir", rdir)
	sameData(t, "redis-server 7 on gocache's dump.rdb", before, capture(t, raddr), time.Since(at))

	// Back: Redis saves the same data, gocache starts on its file.
	if got, err := dialDB(t, raddr, 0).Save(ctx).Result(); err != nil || got != "OK" {
		t.Fatalf("redis SAVE: %v %v", got, err)
	}
	gdir := t.TempDir()
	copyFile(t, filepath.Join(rdir, "dump.rdb"), filepath.Join(gdir, "dump.rdb"))
	p = startProc(t, "--dir", gdir)
	sameData(t, "gocache on redis-server's dump.rdb", before, capture(t, p.Addr), time.Since(at))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
