package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// The persistence tests run the built binary: they write every type in
// several databases, stop, crash or rewrite, start again on the same
// directory and compare what the server holds before and after.

// testDBs is the number of databases the tests fill.
const testDBs = 3

// bigLen is the size of the big values, enough for several rewrite
// commands of typecmd.RewriteItems (64) elements each.
const bigLen = 1000

// keyState is what a key holds, as the commands of its type show it (not
// DUMP, so that these tests do not rest on the RDB codec): its type, its
// full contents and its time to live.
type keyState struct {
	typ  string
	body string // the contents, quoted; sets and hashes sorted
	pttl int64  // -1 without a time to live
}

// hangGuard bounds each command of the go-redis clients here.
const hangGuard = 30 * time.Second

// dataset maps "db/key" to the key's state.
type dataset map[string]keyState

// dialDB is a go-redis client on database db that never retries a
// command: a retried write would blur which writes were acknowledged.
// Its socket deadlines only guard against a hang: go-redis's default of
// 3 s is a latency check that a 3000-command pipeline, a rewrite and
// fsyncs on a loaded 2-core machine under -race do not always pass, and
// these tests check data, not speed.
func dialDB(t *testing.T, addr string, db int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, DB: db, Protocol: 2, MaxRetries: -1, DisableIdentity: true,
		DialTimeout: hangGuard, ReadTimeout: hangGuard, WriteTimeout: hangGuard})
	t.Cleanup(func() { c.Close() })
	return c
}

// capture reads every key of the first testDBs databases.
func capture(t *testing.T, addr string) dataset {
	t.Helper()
	ctx := context.Background()
	out := dataset{}
	for db := range testDBs {
		c := dialDB(t, addr, db)
		var cursor uint64
		for {
			keys, next, err := c.Scan(ctx, cursor, "*", 1000).Result()
			if err != nil {
				t.Fatalf("db %d SCAN: %v", db, err)
			}
			for _, k := range keys {
				out[fmt.Sprintf("%d/%s", db, k)] = describe(t, c, k)
			}
			if cursor = next; cursor == 0 {
				break
			}
		}
	}
	return out
}

// describe reads one key with the read commands of its type.
func describe(t *testing.T, c *redis.Client, key string) keyState {
	t.Helper()
	ctx := context.Background()
	typ, err := c.Type(ctx, key).Result()
	if err != nil {
		t.Fatalf("TYPE %q: %v", key, err)
	}
	var body []string
	switch typ {
	case "string":
		var v string
		v, err = c.Get(ctx, key).Result()
		body = []string{v}
	case "list":
		body, err = c.LRange(ctx, key, 0, -1).Result()
	case "hash":
		var m map[string]string
		m, err = c.HGetAll(ctx, key).Result()
		for f, v := range m {
			body = append(body, f+"="+v)
		}
		slices.Sort(body)
	case "set":
		body, err = c.SMembers(ctx, key).Result()
		slices.Sort(body)
	case "zset":
		// The scores as the server writes them, so that a score that
		// did not round-trip exactly shows.
		body, err = c.Do(ctx, "ZRANGE", key, 0, -1, "WITHSCORES").StringSlice()
	case "stream":
		body, err = describeStream(ctx, c, key)
	default:
		t.Fatalf("TYPE %q = %q", key, typ)
	}
	if err != nil {
		t.Fatalf("read %s %q: %v", typ, key, err)
	}
	pttl, err := c.Do(ctx, "PTTL", key).Int64()
	if err != nil {
		t.Fatalf("PTTL %q: %v", key, err)
	}
	return keyState{typ: typ, body: fmt.Sprintf("%q", body), pttl: pttl}
}

// describeStream reads a stream: its entries, counters and IDs, its
// groups with their consumers and pending entries (delivery counts, not
// times). Not the groups' entries-read and lag: Redis 7.0 propagates an
// XREADGROUP as XCLAIMs that move the group's last ID but not its read
// counter, so a replayed log may know it less well than the server did.
func describeStream(ctx context.Context, c *redis.Client, key string) ([]string, error) {
	var out []string
	add := func(args ...any) error {
		v, err := c.Do(ctx, args...).Result()
		out = append(out, fmt.Sprint(v))
		return err
	}
	if err := add("XRANGE", key, "-", "+"); err != nil {
		return nil, err
	}
	info, err := c.Do(ctx, "XINFO", "STREAM", key).Slice()
	if err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(info); i += 2 {
		switch info[i] {
		case "length", "last-generated-id", "max-deleted-entry-id", "entries-added", "recorded-first-entry-id", "groups":
			out = append(out, fmt.Sprint(info[i], "=", info[i+1]))
		}
	}
	groups, err := c.Do(ctx, "XINFO", "GROUPS", key).Slice()
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		m := fmt.Sprint(g)
		fields := g.([]any)
		name := fields[1]
		out = append(out, fmt.Sprint(fields[:8]))
		cons, err := c.Do(ctx, "XINFO", "CONSUMERS", key, name).Slice()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m, err)
		}
		for _, cn := range cons {
			f := cn.([]any)
			out = append(out, fmt.Sprint(f[:4]))
		}
		pending, err := c.Do(ctx, "XPENDING", key, name, "-", "+", 100000).Slice()
		if err != nil {
			return nil, err
		}
		for _, p := range pending {
			f := p.([]any)
			out = append(out, fmt.Sprint(f[0], f[1], f[3]))
		}
	}
	return out, nil
}

// sameData fails the test unless after holds the keys of before with the
// same types and contents. A time to live may have gone down by at most
// the time between the two captures.
func sameData(t *testing.T, what string, before, after dataset, elapsed time.Duration) {
	t.Helper()
	if len(before) == 0 {
		t.Fatalf("%s: nothing to compare", what)
	}
	bad := 0
	report := func(format string, args ...any) {
		if bad++; bad <= 10 {
			t.Errorf("%s: "+format, append([]any{what}, args...)...)
		}
	}
	for k, b := range before {
		a, ok := after[k]
		switch {
		case !ok:
			report("key %s (%s) is missing", k, b.typ)
		case a.typ != b.typ:
			report("key %s: type %s, was %s", k, a.typ, b.typ)
		case a.body != b.body:
			report("key %s (%s): contents differ:\n got  %.300s\n want %.300s", k, a.typ, a.body, b.body)
		case (a.pttl < 0) != (b.pttl < 0):
			report("key %s: PTTL %d, was %d", k, a.pttl, b.pttl)
		case b.pttl >= 0 && (a.pttl > b.pttl || b.pttl-a.pttl > elapsed.Milliseconds()+1000):
			report("key %s: PTTL %d, was %d %v earlier", k, a.pttl, b.pttl, elapsed)
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			report("key %s (%s) appeared", k, a.typ)
		}
	}
	if bad > 10 {
		t.Errorf("%s: %d differences in all", what, bad)
	}
}

// populate writes every type, small and (with big) bigLen elements long,
// in testDBs databases; about a third of the keys get a time to live.
func populate(t *testing.T, addr string, big bool) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for db := range testDBs {
		c := dialDB(t, addr, db)
		p := c.Pipeline()
		ttl := func(key string) {
			if rng.IntN(3) == 0 {
				p.Expire(ctx, key, time.Duration(1000+rng.IntN(5000))*time.Second)
			}
		}
		for i := range 20 {
			k := fmt.Sprintf("str:%d", i)
			p.Set(ctx, k, fmt.Sprintf("value %d\r\n\x00\xff in db %d", i, db), 0)
			ttl(k)
			k = fmt.Sprintf("list:%d", i)
			p.RPush(ctx, k, "a", "", "c\r\n", strconv.Itoa(i))
			ttl(k)
			k = fmt.Sprintf("hash:%d", i)
			p.HSet(ctx, k, "f1", "v1", "f2", strconv.Itoa(i), "", "empty field")
			ttl(k)
			k = fmt.Sprintf("intset:%d", i)
			p.SAdd(ctx, k, 1, -5, i, 1<<40)
			ttl(k)
			k = fmt.Sprintf("set:%d", i)
			p.SAdd(ctx, k, "x", "y y", fmt.Sprintf("m%d", i))
			ttl(k)
			k = fmt.Sprintf("zset:%d", i)
			p.Do(ctx, "ZADD", k, "inf", "top", "-inf", "bottom", "0.1", "tenth", "-0", "zero",
				"1e-300", "tiny", "1e300", "huge", "3.141592653589793", "pi", strconv.Itoa(i), "i")
			ttl(k)
		}
		for i := range 5 {
			k := fmt.Sprintf("stream:%d", i)
			for j := 1; j <= 6; j++ {
				p.Do(ctx, "XADD", k, fmt.Sprintf("%d-%d", 100+i, j), "f", j, "db", db)
			}
			p.Do(ctx, "XADD", k, "*", "other fields", "")
			p.Do(ctx, "XDEL", k, fmt.Sprintf("%d-2", 100+i))
			p.Do(ctx, "XGROUP", "CREATE", k, "readers", "0")
			p.Do(ctx, "XGROUP", "CREATE", k, "late", "$", "ENTRIESREAD", 7)
			p.Do(ctx, "XREADGROUP", "GROUP", "readers", "alice", "COUNT", 3, "STREAMS", k, ">")
			p.Do(ctx, "XREADGROUP", "GROUP", "readers", "alice", "NOACK", "COUNT", 1, "STREAMS", k, ">")
			p.Do(ctx, "XREADGROUP", "GROUP", "readers", "bob", "COUNT", 1, "STREAMS", k, ">")
			p.Do(ctx, "XACK", k, "readers", fmt.Sprintf("%d-1", 100+i))
			p.Do(ctx, "XCLAIM", k, "readers", "carol", 0, fmt.Sprintf("%d-3", 100+i))
			p.Do(ctx, "XGROUP", "CREATECONSUMER", k, "late", "dave")
			ttl(k)
		}
		p.Do(ctx, "XGROUP", "CREATE", "stream:empty", "g", "$", "MKSTREAM")
		p.Do(ctx, "XADD", "stream:trimmed", "1-1", "f", "v")
		p.Do(ctx, "XADD", "stream:trimmed", "MAXLEN", "0", "2-1", "f", "v")
		p.Set(ctx, "empty", "", 0)
		// HyperLogLogs, sparse and dense, bitmaps and positions: strings
		// and sorted sets in Redis's own bytes and scores.
		p.PFAdd(ctx, "hll:sparse", "a", "b", "c", db)
		p.PFCount(ctx, "hll:sparse")
		for j := range 10 {
			els := make([]any, 300)
			for e := range els {
				els[e] = fmt.Sprintf("e%d:%d", j, e)
			}
			p.PFAdd(ctx, "hll:dense", els...)
		}
		p.SetBit(ctx, "bits", int64(1000+db), 1)
		p.Do(ctx, "BITFIELD", "bits", "SET", "i16", "#3", "-300", "INCRBY", "u5", "100", "7")
		p.GeoAdd(ctx, "geo", &redis.GeoLocation{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556},
			&redis.GeoLocation{Name: "Catania", Longitude: 15.087269, Latitude: 37.502669})
		p.Do(ctx, "GEOSEARCHSTORE", "geo:near", "geo", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST")
		p.Set(ctx, "counter", "41", 0)
		p.HSet(ctx, "hash:wide", "long", strings.Repeat("w", 100))      // a hashtable
		p.Do(ctx, "ZADD", "zset:wide", "1.5", strings.Repeat("m", 100)) // a skiplist
		p.Do(ctx, "PEXPIREAT", "counter", time.Now().Add(time.Hour).UnixMilli())
		if big {
			for i := range bigLen {
				p.RPush(ctx, "big:list", fmt.Sprintf("element %d", i))
				p.HSet(ctx, "big:hash", fmt.Sprintf("field %d", i), i)
				p.SAdd(ctx, "big:set", fmt.Sprintf("member %d", i))
				p.ZAdd(ctx, "big:zset", redis.Z{Score: rng.NormFloat64() * 1e6, Member: fmt.Sprintf("member %d", i)})
				p.Do(ctx, "XADD", "big:stream", "MAXLEN", "~", 800, "*", "i", i, "field", fmt.Sprintf("value %d", i))
			}
			p.Do(ctx, "XGROUP", "CREATE", "big:stream", "g", "0")
			p.Do(ctx, "XREADGROUP", "GROUP", "g", "c", "COUNT", 150, "STREAMS", "big:stream", ">")
			p.Expire(ctx, "big:hash", time.Hour)
			p.Expire(ctx, "big:zset", 2*time.Hour)
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatalf("db %d populate: %v", db, err)
		}
	}
}

// bgrewrite runs BGREWRITEAOF and waits until it is over and succeeded,
// polling INFO persistence.
func bgrewrite(t *testing.T, c *redis.Client) {
	t.Helper()
	ctx := context.Background()
	// "scheduled" when the last rewrite is still removing its old files.
	got, err := c.BgRewriteAOF(ctx).Result()
	if err != nil || (got != "Background append only file rewriting started" && got != "Background append only file rewriting scheduled") {
		t.Fatalf("BGREWRITEAOF: %q %v", got, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		info, err := c.Info(ctx, "persistence").Result()
		if err != nil {
			t.Fatalf("INFO persistence: %v", err)
		}
		if strings.Contains(info, "aof_rewrite_in_progress:0\r\n") && strings.Contains(info, "aof_rewrite_scheduled:0\r\n") {
			if !strings.Contains(info, "aof_last_bgrewrite_status:ok\r\n") {
				t.Fatalf("the rewrite failed:\n%s", info)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the rewrite did not finish within 30s:\n%s", info)
		}
		time.Sleep(5 * time.Millisecond) // polling interval
	}
}

// stopProc ends p with SHUTDOWN or SIGTERM and checks that it exited cleanly.
func stopProc(t *testing.T, p *servertest.Process, shutdown bool) {
	t.Helper()
	if shutdown {
		c := servertest.Dial(t, p.Addr)
		c.Send("SHUTDOWN\r\n")
		c.ReadEOF()
	} else {
		p.Cmd.Process.Signal(syscall.SIGTERM)
	}
	if code := p.ExitCode(t, exitWithin); code != 0 {
		t.Fatalf("exit code %d; log:\n%s", code, p.Log)
	}
}

func TestRestartKeepsEveryTypeInEveryDatabase(t *testing.T) {
	for i, fsync := range []string{"always", "everysec", "no"} {
		t.Run(fsync, func(t *testing.T) {
			dir := t.TempDir()
			args := []string{"--appendonly", "yes", "--appendfsync", fsync, "--dir", dir}
			p := startProc(t, args...)
			populate(t, p.Addr, i == 0)
			at := time.Now() // before the capture, which takes a while
			before := capture(t, p.Addr)
			stopProc(t, p, i%2 == 1)
			p = startProc(t, args...)
			sameData(t, "after restart", before, capture(t, p.Addr), time.Since(at))
		})
	}
}

// rewriteArgs start a server whose rewrites happen only on BGREWRITEAOF,
// with a base of commands (rdb_test.go covers the RDB base).
func rewriteArgs(dir string) []string {
	return []string{"--appendonly", "yes", "--dir", dir, "--auto-aof-rewrite-percentage", "0", "--aof-use-rdb-preamble", "no"}
}

func TestRewriteEveryTypeThenRestart(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, rewriteArgs(dir)...)
	populate(t, p.Addr, true)
	c := dialDB(t, p.Addr, 0)
	bgrewrite(t, c)

	// Changes after the rewrite go to the new incr file, on top of the base.
	ctx := context.Background()
	c.RPush(ctx, "big:list", "after the rewrite")
	c.Do(ctx, "ZINCRBY", "big:zset", "0.5", "member 7")
	c.Del(ctx, "list:3")
	c.Expire(ctx, "set:4", time.Hour)

	base := readBase(t, dir)
	commands := (bigLen + 63) / 64
	for name, key := range map[string]string{"RPUSH": "big:list", "HSET": "big:hash", "SADD": "big:set", "ZADD": "big:zset"} {
		prefix := fmt.Sprintf("$%d\r\n%s\r\n$%d\r\n%s\r\n", len(name), name, len(key), key)
		if n := bytes.Count(base, []byte(prefix)); n != testDBs*commands {
			t.Errorf("%s %s: %d commands in the base, want %d per database (%d elements, 64 a command)",
				name, key, n, commands, bigLen)
		}
	}
	if n := bytes.Count(base, []byte("*130\r\n")); n != testDBs*(commands-1)*2 {
		t.Errorf("%d commands of 64 pairs (*130) in the base, want %d", n, testDBs*(commands-1)*2)
	}
	for _, score := range []string{"$3\r\ninf\r\n", "$4\r\n-inf\r\n", "$19\r\n0.10000000000000001\r\n"} {
		if !bytes.Contains(base, []byte(score)) {
			t.Errorf("the base lacks the score %q", score)
		}
	}

	at := time.Now() // before the capture, which takes a while
	before := capture(t, p.Addr)
	stopProc(t, p, true)

	t.Run("redis-check-aof", func(t *testing.T) {
		bin, err := exec.LookPath("redis-check-aof")
		if err != nil {
			t.Skip("redis-check-aof not installed: skipping the check of the rewritten files (apt-get install redis-tools)")
		}
		manifest := filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")
		out, err := exec.Command(bin, manifest).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "All AOF files and manifest are valid") {
			t.Errorf("redis-check-aof %s: %v\n%s", manifest, err, out)
		}
	})
	t.Run("redis-server loads it", func(t *testing.T) {
		if servertest.RedisPath() == "" {
			t.Skip("redis-server not installed: skipping loading the rewritten files into real Redis (apt-get install redis-server)")
		}
		copied := t.TempDir()
		copyDir(t, filepath.Join(dir, "appendonlydir"), filepath.Join(copied, "appendonlydir"))
		addr := servertest.StartRedis(t, "--appendonly", "yes", "--dir", copied, "--aof-use-rdb-preamble", "no")
		sameData(t, "redis-server 7 on the rewritten files", before, capture(t, addr), time.Since(at))
	})

	p = startProc(t, rewriteArgs(dir)...)
	sameData(t, "after rewrite and restart", before, capture(t, p.Addr), time.Since(at))
}

// readBase returns the base file the manifest in dir names.
func readBase(t *testing.T, dir string) []byte {
	t.Helper()
	ad := filepath.Join(dir, "appendonlydir")
	manifest, err := os.ReadFile(filepath.Join(ad, "appendonly.aof.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(manifest), "\n") {
		f := strings.Fields(line)
		if len(f) == 6 && f[0] == "file" && f[4] == "type" && f[5] == "b" {
			b, err := os.ReadFile(filepath.Join(ad, f[1]))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no base file in the manifest:\n%s", manifest)
	return nil
}

// copyDir copies the regular files of src into a new directory dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err == nil {
			_, err = io.Copy(out, in)
			out.Close()
		}
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// typeLoad is one client changing every type in every test database
// until stop is set; it returns the number of commands it sent.
func typeLoad(t *testing.T, addr string, seed uint64, stop *atomic.Bool) int {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 7))
	var cs []*redis.Client
	for db := range testDBs {
		cs = append(cs, dialDB(t, addr, db))
	}
	n := 0
	for ; !stop.Load(); n++ {
		c := cs[rng.IntN(testDBs)]
		i := rng.IntN(20)
		var err error
		switch rng.IntN(9) {
		case 0:
			err = c.LPush(ctx, fmt.Sprintf("list:%d", i), fmt.Sprintf("pushed %d", n)).Err()
		case 1:
			err = c.LPop(ctx, fmt.Sprintf("list:%d", i)).Err()
		case 2:
			err = c.HIncrBy(ctx, fmt.Sprintf("hash:%d", i), fmt.Sprintf("n%d", rng.IntN(4)), 3).Err()
		case 3:
			err = c.SAdd(ctx, fmt.Sprintf("set:%d", i), fmt.Sprintf("m%d", rng.IntN(30))).Err()
		case 4:
			err = c.SRem(ctx, fmt.Sprintf("set:%d", i), fmt.Sprintf("m%d", rng.IntN(30))).Err()
		case 5:
			err = c.ZIncrBy(ctx, fmt.Sprintf("zset:%d", i), rng.Float64()*100-50, fmt.Sprintf("m%d", rng.IntN(10))).Err()
		case 6:
			err = c.Incr(ctx, fmt.Sprintf("counter:%d", i)).Err()
		case 7:
			err = c.Append(ctx, fmt.Sprintf("str:%d", i), "+").Err()
		case 8:
			err = c.Expire(ctx, fmt.Sprintf("%s:%d", []string{"list", "hash", "set", "zset", "str"}[rng.IntN(5)], i),
				time.Duration(1000+rng.IntN(1000))*time.Second).Err()
		}
		if err != nil && err != redis.Nil {
			t.Errorf("client %d: %v", seed, err)
			return n
		}
	}
	return n
}

func TestRewriteUnderLoadKeepsState(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, rewriteArgs(dir)...)
	populate(t, p.Addr, true)
	// Many small keys make each rewrite scan long enough to overlap with
	// the clients' writes, and their copy-on-write.
	ctx := context.Background()
	for db := range testDBs {
		pipe := dialDB(t, p.Addr, db).Pipeline()
		for i := range 3000 {
			pipe.Set(ctx, fmt.Sprintf("filler:%d", i), i, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}

	var stop atomic.Bool
	var wg sync.WaitGroup
	var sent atomic.Int64
	for seed := range uint64(3) {
		wg.Go(func() { sent.Add(int64(typeLoad(t, p.Addr, seed, &stop))) })
	}
	c := dialDB(t, p.Addr, 0)
	for range 3 {
		bgrewrite(t, c)
	}
	stop.Store(true)
	wg.Wait()
	if sent.Load() < 100 {
		t.Fatalf("only %d commands ran during the rewrites", sent.Load())
	}
	info := c.Info(ctx, "persistence").Val()
	if !strings.Contains(info, "aof_rewrites:3\r\n") {
		t.Errorf("INFO persistence after 3 rewrites:\n%s", info)
	}
	t.Logf("%d commands during 3 rewrites", sent.Load())

	at := time.Now() // before the capture, which takes a while
	before := capture(t, p.Addr)
	stopProc(t, p, false)
	p = startProc(t, rewriteArgs(dir)...)
	sameData(t, "after rewrites under load and restart", before, capture(t, p.Addr), time.Since(at))
}

// crashWriter appends to its own list and hash in database db until an
// error (the server was killed) or stop; acked[0] and acked[1] count the
// RPUSH and HSET commands the server acknowledged.
func crashWriter(t *testing.T, addr string, w, db int, acked *[2]int, total *atomic.Int64, kill func()) {
	ctx := context.Background()
	c := dialDB(t, addr, db)
	list, hash := fmt.Sprintf("crash:list:%d", w), fmt.Sprintf("crash:hash:%d", w)
	for i := 0; ; i++ {
		var err error
		if i%2 == 0 {
			err = c.RPush(ctx, list, fmt.Sprintf("e%d", acked[0])).Err()
		} else {
			err = c.HSet(ctx, hash, fmt.Sprintf("f%d", acked[1]), fmt.Sprintf("v%d", acked[1])).Err()
		}
		if err != nil {
			return
		}
		acked[i%2]++
		if total.Add(1) == 0 {
			kill()
		}
	}
}

func TestKillLosesNoAcknowledgedWrite(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			dir := t.TempDir()
			args := []string{"--appendonly", "yes", "--appendfsync", "always", "--dir", dir, "--auto-aof-rewrite-percentage", "0"}
			p := startProc(t, args...)

			// The writers count down from a random number of acknowledged
			// writes; the one that reaches 0 kills the server.
			var total atomic.Int64
			total.Store(-int64(200 + rng.IntN(1500)))
			killed := make(chan struct{})
			var once sync.Once
			kill := func() {
				once.Do(func() {
					p.Cmd.Process.Signal(syscall.SIGKILL)
					close(killed)
				})
			}
			const writers = 4
			acked := make([][2]int, writers)
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() { crashWriter(t, p.Addr, w, w%2, &acked[w], &total, kill) })
			}
			// A rewrite in the middle (seed 2) puts the crash in or after it.
			if seed == 2 {
				dialDB(t, p.Addr, 0).BgRewriteAOF(context.Background())
			}
			select {
			case <-killed:
			case <-time.After(30 * time.Second):
				kill()
				t.Errorf("the writers did not reach their count within 30s")
			}
			wg.Wait()
			if code := p.ExitCode(t, exitWithin); code != -1 {
				t.Logf("exit code %d", code)
			}

			p = startProc(t, args...)
			ctx := context.Background()
			for w := range writers {
				c := dialDB(t, p.Addr, w%2)
				list, hash := fmt.Sprintf("crash:list:%d", w), fmt.Sprintf("crash:hash:%d", w)
				got, err := c.LRange(ctx, list, 0, -1).Result()
				if err != nil {
					t.Fatal(err)
				}
				// An unacknowledged write may or may not have made it.
				if len(got) < acked[w][0] || len(got) > acked[w][0]+1 {
					t.Errorf("%s has %d elements; %d were acknowledged", list, len(got), acked[w][0])
				}
				for i, v := range got {
					if v != fmt.Sprintf("e%d", i) {
						t.Errorf("%s[%d] = %q", list, i, v)
						break
					}
				}
				fields, err := c.HGetAll(ctx, hash).Result()
				if err != nil {
					t.Fatal(err)
				}
				if len(fields) < acked[w][1] || len(fields) > acked[w][1]+1 {
					t.Errorf("%s has %d fields; %d were acknowledged", hash, len(fields), acked[w][1])
				}
				for i := range acked[w][1] {
					if f := fmt.Sprintf("f%d", i); fields[f] != fmt.Sprintf("v%d", i) {
						t.Errorf("%s %s = %q, acknowledged v%d", hash, f, fields[f], i)
						break
					}
				}
			}
			t.Logf("killed after %v acknowledged writes", acked)
		})
	}
}
