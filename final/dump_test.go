package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// dumpKeys fills c with every type in its small and large encodings,
// some with a time to live, and returns the keys whose small encoding
// makes the payload the same bytes in Redis and gocache. Not the others:
// a hashtable's order is its own, a big list's quicklist nodes are split
// where its pushes split them, and an intset's LZF output can differ
// from Redis's while decoding to the same bytes.
func dumpKeys(t *testing.T, c *redis.Client) (all []string, sameBytes map[string]bool) {
	t.Helper()
	ctx := context.Background()
	sameBytes = map[string]bool{}
	add := func(key string, same bool, args ...any) {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		all = append(all, key)
		sameBytes[key] = same
	}
	big := func(n int, f func(i int) []any) []any {
		var out []any
		for i := range n {
			out = append(out, f(i)...)
		}
		return out
	}
	add("str", true, "SET", "str", "hello\r\n\x00\xff")
	add("int", true, "SET", "int", "12345")
	add("long", true, "SET", "long", strings.Repeat("abcdefgh", 40)) // LZF
	add("list", true, "RPUSH", "list", "a", "", "1", "-7", "c\r\n")
	add("biglist", false, append([]any{"RPUSH", "biglist"}, big(3000, func(i int) []any { return []any{fmt.Sprintf("element %d", i)} })...)...)
	add("hash", true, "HSET", "hash", "f", "v", "n", "2", "e", "")
	add("bighash", false, append([]any{"HSET", "bighash"}, big(600, func(i int) []any { return []any{fmt.Sprint("f", i), fmt.Sprint(i)} })...)...)
	add("intset", false, "SADD", "intset", "1", "2", "3", "-40000", "7000000000")
	add("set", false, "SADD", "set", "a", "b", "c")
	add("bigintset", false, append([]any{"SADD", "bigintset"}, big(600, func(i int) []any { return []any{i} })...)...)
	add("zset", true, "ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c", "1e300", "d")
	add("bigzset", false, append([]any{"ZADD", "bigzset"}, big(300, func(i int) []any { return []any{float64(i) / 3, fmt.Sprint("m", i)} })...)...)
	add("stream", true, "XADD", "stream", "1-1", "f", "v", "n", "1")
	add("bigstream", false, append([]any{"XADD", "bigstream", "MAXLEN", "1000", "1-1"}, big(20, func(i int) []any { return []any{fmt.Sprint("f", i), i} })...)...)
	for _, cmd := range [][]any{
		{"XADD", "stream", "2-0", "f", "w", "n", "2"}, {"XADD", "stream", "3-0", "other", "x"},
		{"XDEL", "stream", "2-0"}, {"XGROUP", "CREATE", "stream", "g", "0"},
		{"XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "stream", ">"},
		{"XGROUP", "CREATECONSUMER", "stream", "g", "bob"},
	} {
		if err := c.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	for i := 2; i < 300; i++ {
		if err := c.Do(ctx, "XADD", "bigstream", fmt.Sprintf("%d-1", i), "f", i, "text", strings.Repeat("x", i%50)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"str", "list", "bighash", "intset", "bigzset", "bigstream"} {
		if err := c.PExpire(ctx, k, time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
	}
	return all, sameBytes
}

// moveByDump copies every key from src to dst with DUMP and RESTORE,
// keeping the remaining time to live, and returns the payloads.
func moveByDump(t *testing.T, src, dst *redis.Client, keys []string) map[string]string {
	t.Helper()
	ctx := context.Background()
	payloads := map[string]string{}
	for _, k := range keys {
		p, err := src.Dump(ctx, k).Result()
		if err != nil {
			t.Fatalf("DUMP %s: %v", k, err)
		}
		payloads[k] = p
		pttl := src.PTTL(ctx, k).Val()
		ttl := int64(0)
		if pttl > 0 {
			ttl = pttl.Milliseconds()
		}
		if err := dst.Do(ctx, "RESTORE", k, ttl, p).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", k, err)
		}
	}
	return payloads
}

// checkSame compares each key's contents, encoding and time to live.
func checkSame(t *testing.T, what string, a, b *redis.Client, keys []string) {
	t.Helper()
	ctx := context.Background()
	for _, k := range keys {
		x, y := describe(t, a, k), describe(t, b, k)
		if x.typ != y.typ || x.body != y.body {
			t.Errorf("%s: key %s differs:\n %s %.200s\n %s %.200s", what, k, x.typ, x.body, y.typ, y.body)
		}
		if (x.pttl < 0) != (y.pttl < 0) || x.pttl-y.pttl > 5000 || y.pttl-x.pttl > 5000 {
			t.Errorf("%s: key %s PTTL %d and %d", what, k, x.pttl, y.pttl)
		}
		ex, ey := a.ObjectEncoding(ctx, k).Val(), b.ObjectEncoding(ctx, k).Val()
		if ex != ey {
			t.Errorf("%s: key %s OBJECT ENCODING %s and %s", what, k, ex, ey)
		}
	}
}

// TestDumpRestoreWithRedis moves every type from redis-server to gocache
// and back with DUMP and RESTORE: the values, encodings and times to live
// agree, and where the encoding fixes the layout gocache's payload is
// Redis's byte for byte.
func TestDumpRestoreWithRedis(t *testing.T) {
	real := dialDB(t, servertest.StartRedis(t), 0)
	ours := dialDB(t, startProc(t).Addr, 0)
	keys, sameBytes := dumpKeys(t, real)
	fromRedis := moveByDump(t, real, ours, keys)
	checkSame(t, "redis → gocache", real, ours, keys)

	ctx := context.Background()
	for _, k := range keys {
		p, err := ours.Dump(ctx, k).Result()
		if err != nil {
			t.Fatalf("gocache DUMP %s: %v", k, err)
		}
		if sameBytes[k] && p != fromRedis[k] {
			t.Errorf("DUMP %s: gocache %.300q\nredis %.300q", k, p, fromRedis[k])
		}
	}
	back := dialDB(t, servertest.StartRedis(t), 0)
	moveByDump(t, ours, back, keys)
	checkSame(t, "gocache → redis", ours, back, keys)
}

// TestRestoreRepliesLikeRedis sends the same RESTORE and DUMP commands,
// good and bad, to both servers and compares the replies.
func TestRestoreRepliesLikeRedis(t *testing.T) {
	real := dialDB(t, servertest.StartRedis(t), 0)
	ours := dialDB(t, startProc(t).Addr, 0)
	ctx := context.Background()
	for _, c := range []*redis.Client{real, ours} {
		c.Set(ctx, "k", "v", 0)
		c.RPush(ctx, "l", "a", "b")
	}
	payload := real.Dump(ctx, "l").Val()
	bad := payload[:len(payload)-1] + "x"
	future := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
	cmds := [][]any{
		{"RESTORE", "k", 0, payload},
		{"RESTORE", "k", -1, payload, "REPLACE"},
		{"RESTORE", "n", "x", payload},
		{"RESTORE", "n", -1, payload},
		{"RESTORE", "n", 0, bad},
		{"RESTORE", "n", 0, "short"},
		{"RESTORE", "n", 0, payload, "IDLETIME", -1},
		{"RESTORE", "n", 0, payload, "FREQ", 256},
		{"RESTORE", "n", 0, payload, "IDLETIME", 1, "FREQ", 2},
		{"RESTORE", "n", 0, payload, "BOGUS"},
		{"RESTORE", "n", 0, payload, "IDLETIME"},
		{"RESTORE", "n", 0, payload, "IDLETIME", 100},
		{"OBJECT", "IDLETIME", "n"},
		{"RESTORE", "k", 1, payload, "REPLACE", "ABSTTL"}, // expired: k is deleted
		{"EXISTS", "k"},
		{"RESTORE", "a", future, payload, "ABSTTL"},
		{"PEXPIRETIME", "a"},
		{"RESTORE", "a", 0, payload, "REPLACE"},
		{"TTL", "a"},
		{"DUMP", "missing"},
		{"RESTORE"},
	}
	for _, cmd := range cmds {
		want, werr := real.Do(ctx, cmd...).Result()
		got, gerr := ours.Do(ctx, cmd...).Result()
		if fmt.Sprint(want, werr) != fmt.Sprint(got, gerr) && !sameIdleTime(cmd, want, got) {
			t.Errorf("%.60q: gocache %v %v, redis %v %v", cmd, got, gerr, want, werr)
		}
	}
}

// sameIdleTime reports whether cmd is OBJECT IDLETIME and the two replies
// are seconds at most one apart: the servers' LRU clocks tick each second
// (Redis's in its cron), so the two reads may fall on either side of a
// tick.
func sameIdleTime(cmd []any, want, got any) bool {
	if len(cmd) < 2 || fmt.Sprint(cmd[0], cmd[1]) != "OBJECT IDLETIME" {
		return false
	}
	w, ok1 := want.(int64)
	g, ok2 := got.(int64)
	return ok1 && ok2 && w-g <= 1 && g-w <= 1
}

// TestRestorePropagatesAbsoluteTTL checks the AOF: a RESTORE with a
// relative TTL is logged with the deadline and ABSTTL, as Redis logs it,
// so the key keeps its deadline across a restart.
func TestRestorePropagatesAbsoluteTTL(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--appendonly", "yes", "--dir", dir}
	p := startProc(t, args...)
	c := dialDB(t, p.Addr, 0)
	ctx := context.Background()
	c.Set(ctx, "src", "value", 0)
	payload := c.Dump(ctx, "src").Val()
	before := time.Now().UnixMilli()
	if err := c.Do(ctx, "RESTORE", "k", 100000, payload).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := c.PExpireTime(ctx, "k").Val().Milliseconds()
	if deadline < before+100000 {
		t.Fatalf("PEXPIRETIME %d, restored at %d with 100 s", deadline, before)
	}
	aofs, _ := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.incr.aof"))
	if len(aofs) != 1 {
		t.Fatalf("incr AOF files: %v", aofs)
	}
	log, err := os.ReadFile(aofs[0])
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("$7\r\nRESTORE\r\n$1\r\nk\r\n$%d\r\n%d\r\n", len(strconv.FormatInt(deadline, 10)), deadline)
	if !strings.Contains(string(log), want) || !strings.Contains(string(log), "$6\r\nABSTTL\r\n") {
		t.Fatalf("AOF lacks the absolute RESTORE:\n%q", log)
	}
	stopProc(t, p, true)
	p = startProc(t, args...)
	if got := dialDB(t, p.Addr, 0).PExpireTime(ctx, "k").Val().Milliseconds(); got != deadline {
		t.Errorf("after restart PEXPIRETIME %d, want %d", got, deadline)
	}
}
