package rdb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// These tests hold the package to a real redis-server 7.0: files and DUMP
// payloads go both ways and must agree value for value, and byte for byte
// where Redis's layout is deterministic.

// testKey is one key of the shared data set, with the encoding Redis 7.0
// reports for it under the default settings.
type testKey struct {
	db       int
	key      string
	v        Value
	expireMs int64
	encoding string
}

// dataset returns keys of every type in small and large encodings, in
// several databases, some with TTLs.
func dataset() []testKey {
	rng := rand.New(rand.NewPCG(7, 11))
	randBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	text := func(n int) []byte {
		words := []string{"cache ", "redis ", "snapshot ", "key ", "value ", "list "}
		var b []byte
		for len(b) < n {
			b = append(b, words[rng.IntN(len(words))]...)
		}
		return b[:n]
	}
	s := func(x string) []byte { return []byte(x) }
	expire := time.Now().Add(time.Hour).UnixMilli()
	keys := []testKey{
		{key: "str:empty", v: String(""), encoding: "embstr"},
		{key: "str:int:0", v: String("0"), encoding: "int"},
		{key: "str:int:-1", v: String("-1"), encoding: "int"},
		{key: "str:int:128", v: String("128"), encoding: "int"},
		{key: "str:int:-129", v: String("-129"), encoding: "int"},
		{key: "str:int:32768", v: String("32768"), encoding: "int"},
		{key: "str:int:2147483647", v: String("2147483647"), encoding: "int"},
		{key: "str:int:2147483648", v: String("2147483648"), encoding: "int"},
		{key: "str:int:big", v: String("-9223372036854775808"), encoding: "int"},
		{key: "str:int:int32min", v: String("-2147483648"), encoding: "int"},
		{key: "str:int:int16min", v: String("-32768"), encoding: "int"},
		{key: "str:int:int8min", v: String("-128"), encoding: "int"},
		{key: "str:int:below-int32", v: String("-2147483649"), encoding: "int"},
		{key: "str:notint:007", v: String("007"), encoding: "embstr"},
		{key: "str:notint:+1", v: String("+1"), encoding: "embstr"},
		{key: "str:notint:-0", v: String("-0"), encoding: "embstr"},
		{key: "str:20a", v: String(strings.Repeat("a", 20)), encoding: "embstr"},
		{key: "str:21a", v: String(strings.Repeat("a", 21)), encoding: "embstr"},
		{key: "str:text", v: String(text(1000)), encoding: "raw"},
		{key: "str:random", v: String(randBytes(300)), encoding: "raw"},
		{key: "str:binary", v: String("\x00\xff\r\n\x00"), encoding: "embstr"},
		{key: "str:big:text", v: String(text(1 << 20)), encoding: "raw"},
		{key: "str:big:random", v: String(randBytes(100 << 10)), encoding: "raw"},
		{key: "str:ttl", v: String("expiring"), expireMs: expire, encoding: "embstr"},
		{db: 1, key: "str:db1", v: String("in db 1"), expireMs: expire + 5000, encoding: "embstr"},
		{db: 5, key: "str:db5", v: String(strings.Repeat("db5 ", 13)), encoding: "raw"},

		{key: "list:small", v: List{s("a"), s("b"), s("1"), s("-5"), s("70000"), s(""), s("4096"), s("-9223372036854775808")}, encoding: "quicklist"},
		{key: "list:ttl", v: List{s("x")}, expireMs: expire + 1000, encoding: "quicklist"},
		{db: 1, key: "list:db1", v: List{s("only")}, encoding: "quicklist"},
	}
	var large, huge, ints List
	for range 3000 {
		large = append(large, text(rng.IntN(90)+1))
		ints = append(ints, s(strconv.Itoa(rng.IntN(1<<30)-1<<29)))
	}
	for range 6 {
		huge = append(huge, text(rng.IntN(20000)+100))
	}
	keys = append(keys,
		testKey{key: "list:large", v: large, encoding: "quicklist"},
		testKey{key: "list:ints", v: ints, encoding: "quicklist"},
		testKey{key: "list:huge", v: huge, encoding: "quicklist"},
	)

	smallHash := Hash{{s("name"), s("gocache")}, {s("n"), s("42")}, {s("neg"), s("-70000")}, {s(""), s("empty field")}, {s("64"), s(strings.Repeat("v", 64))}}
	var wideHash, longHash Hash
	for i := range 513 {
		wideHash = append(wideHash, [2][]byte{s("field" + strconv.Itoa(i)), s(strconv.Itoa(i * 1000))})
	}
	fullHash := wideHash[:512]
	longHash = Hash{{s("a"), s("b")}, {s("long"), s(strings.Repeat("v", 65))}}
	keys = append(keys,
		testKey{key: "hash:small", v: smallHash, encoding: "listpack"},
		testKey{key: "hash:wide", v: wideHash, encoding: "hashtable", expireMs: expire + 2000},
		testKey{key: "hash:long", v: longHash, encoding: "hashtable"},
		testKey{key: "hash:full", v: fullHash, encoding: "listpack"},
		testKey{db: 5, key: "hash:db5", v: Hash{{s("f"), s("v")}}, encoding: "listpack"},
	)

	var manyInts, strSet Set
	for i := range 513 {
		manyInts = append(manyInts, s(strconv.Itoa(i*7-1000)))
	}
	for i := range 50 {
		strSet = append(strSet, s("member:"+strconv.Itoa(i)))
	}
	keys = append(keys,
		testKey{key: "set:int16", v: Set{s("3"), s("1"), s("-2"), s("100")}, encoding: "intset"},
		testKey{key: "set:int32", v: Set{s("1"), s("100000")}, encoding: "intset"},
		testKey{key: "set:int64", v: Set{s("1"), s("-5000000000"), s("9223372036854775807")}, encoding: "intset"},
		testKey{key: "set:manyints", v: manyInts, encoding: "hashtable"},
		testKey{key: "set:fullintset", v: manyInts[:512], encoding: "intset"},
		testKey{key: "set:strings", v: strSet, encoding: "hashtable"},
		testKey{key: "set:mixed", v: Set{s("1"), s("x")}, encoding: "hashtable", expireMs: expire + 3000},
	)

	smallZ := ZSet{{s("one"), 1}, {s("half"), 1.5}, {s("neg"), -2.25}, {s("tenth"), 0.1}, {s("inf"), math.Inf(1)},
		{s("-inf"), math.Inf(-1)}, {s("big"), 1e20}, {s("zero"), 0}, {s("same1"), 7}, {s("same0"), 7}, {s("k"), -4096},
		{s("2^52+1"), 4503599627370497}, {s("1e17"), 1e17}, {s("half-ulp"), 1000000000000000.5}, {s("tiny"), 5e-324},
		{s("2^62"), 1 << 62}, {s("above 2^62"), math.Nextafter(1<<62, math.Inf(1))}, {s("-2^62"), -(1 << 62)}}
	var largeZ ZSet
	for i := range 200 {
		largeZ = append(largeZ, Scored{s("m" + strconv.Itoa(i)), float64(rng.IntN(1000)) / 8})
	}
	keys = append(keys,
		testKey{key: "zset:small", v: smallZ, encoding: "listpack"},
		testKey{key: "zset:large", v: largeZ, encoding: "skiplist"},
		testKey{key: "zset:full", v: largeZ[:128], encoding: "listpack"},
		testKey{key: "zset:long", v: ZSet{{s(strings.Repeat("m", 65)), 1}, {s("x"), 2}}, encoding: "skiplist", expireMs: expire + 4000},
		testKey{db: 1, key: "zset:db1", v: ZSet{{s("a"), 3}}, encoding: "listpack"},
	)
	return keys
}

// redisServer is a redis-server started by a test in its own directory.
type redisServer struct {
	dir    string
	client *redis.Client
	log    *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not on PATH: skipping the comparison with real Redis", name)
	}
	return path
}

// startRedis runs redis-server on a free 127.0.0.1 port with dir as its
// working directory and dump.rdb as its file, and waits until it answers
// (and so has loaded the file, if there is one).
func startRedis(t *testing.T, dir string, args ...string) *redisServer {
	t.Helper()
	path := needTool(t, "redis-server")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	srv := &redisServer{dir: dir, log: &lockedBuffer{}}
	cmd := exec.Command(path, append([]string{"--port", port, "--bind", "127.0.0.1", "--dir", dir,
		"--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no"}, args...)...)
	cmd.Stdout, cmd.Stderr = srv.log, srv.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-done })
	srv.client = redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, Protocol: 2, DisableIdentity: true,
		ReadTimeout: 10 * time.Second, MaxRetries: -1})
	t.Cleanup(func() { srv.client.Close() })
	deadline := time.Now().Add(20 * time.Second)
	for srv.client.Ping(context.Background()).Err() != nil {
		select {
		case <-done:
			t.Fatalf("redis-server exited:\n%s", srv.log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not answer within 20s:\n%s", srv.log)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, bounded by the deadline
	}
	return srv
}

func (srv *redisServer) do(t *testing.T, db int, args ...any) any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn := srv.client.Conn()
	defer conn.Close()
	if err := conn.Do(ctx, "SELECT", db).Err(); err != nil {
		t.Fatal(err)
	}
	v, err := conn.Do(ctx, args...).Result()
	if err != nil && err != redis.Nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

// fill stores the data set with ordinary commands.
func (srv *redisServer) fill(t *testing.T, keys []testKey) {
	t.Helper()
	for _, k := range keys {
		args := []any{}
		switch v := k.v.(type) {
		case String:
			args = append(args, "SET", k.key, []byte(v))
		case List:
			args = append(args, "RPUSH", k.key)
			for _, e := range v {
				args = append(args, e)
			}
		case Hash:
			args = append(args, "HSET", k.key)
			for _, p := range v {
				args = append(args, p[0], p[1])
			}
		case Set:
			args = append(args, "SADD", k.key)
			for _, m := range v {
				args = append(args, m)
			}
		case ZSet:
			args = append(args, "ZADD", k.key)
			for _, m := range v {
				args = append(args, strconv.FormatFloat(m.Score, 'g', -1, 64), m.Member)
			}
		}
		srv.do(t, k.db, args...)
		if k.expireMs != 0 {
			srv.do(t, k.db, "PEXPIREAT", k.key, k.expireMs)
		}
	}
}

// read returns a key's value, expiry and encoding as redis-server reports
// them.
func (srv *redisServer) read(t *testing.T, db int, key string) (Value, int64, string) {
	t.Helper()
	strs := func(x any) [][]byte {
		var out [][]byte
		for _, e := range x.([]any) {
			out = append(out, []byte(e.(string)))
		}
		return out
	}
	var v Value
	switch typ := srv.do(t, db, "TYPE", key).(string); typ {
	case "string":
		v = String(srv.do(t, db, "GET", key).(string))
	case "list":
		v = List(strs(srv.do(t, db, "LRANGE", key, 0, -1)))
	case "set":
		v = Set(strs(srv.do(t, db, "SMEMBERS", key)))
	case "hash":
		flat := strs(srv.do(t, db, "HGETALL", key))
		var h Hash
		for i := 0; i+1 < len(flat); i += 2 {
			h = append(h, [2][]byte{flat[i], flat[i+1]})
		}
		v = h
	case "zset":
		flat := strs(srv.do(t, db, "ZRANGE", key, 0, -1, "WITHSCORES"))
		var z ZSet
		for i := 0; i+1 < len(flat); i += 2 {
			f, err := strconv.ParseFloat(string(flat[i+1]), 64)
			if err != nil {
				t.Fatal(err)
			}
			z = append(z, Scored{flat[i], f})
		}
		v = z
	default:
		t.Fatalf("db %d key %q: type %q", db, key, typ)
	}
	exp := srv.do(t, db, "PEXPIRETIME", key).(int64)
	if exp == -1 {
		exp = 0
	}
	return v, exp, srv.do(t, db, "OBJECT", "ENCODING", key).(string)
}

// canonical renders a value so that two equal values, whatever the order
// of their unordered parts, render the same.
func canonical(v Value) string {
	var parts []string
	switch v := v.(type) {
	case String:
		return fmt.Sprintf("string %q", []byte(v))
	case List:
		for _, e := range v {
			parts = append(parts, fmt.Sprintf("%q", e))
		}
		return "list " + strings.Join(parts, " ")
	case Set:
		for _, e := range v {
			parts = append(parts, fmt.Sprintf("%q", e))
		}
		slices.Sort(parts)
		return "set " + strings.Join(parts, " ")
	case Hash:
		for _, p := range v {
			parts = append(parts, fmt.Sprintf("%q=%q", p[0], p[1]))
		}
		slices.Sort(parts)
		return "hash " + strings.Join(parts, " ")
	case ZSet:
		for _, m := range v {
			parts = append(parts, fmt.Sprintf("%q=%v", m.Member, m.Score))
		}
		slices.Sort(parts)
		return "zset " + strings.Join(parts, " ")
	}
	return fmt.Sprintf("unknown %T", v)
}

func short(s string) string {
	if len(s) > 200 {
		return s[:200] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// decodeFile reads a whole file into db -> key -> entry.
func decodeFile(t *testing.T, path string) (map[int]map[string]Entry, []Entry) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := NewDecoder(f, path)
	keys := map[int]map[string]Entry{}
	var other []Entry
	for {
		e, err := d.Next()
		if err != nil {
			if err.Error() == "EOF" {
				return keys, other
			}
			t.Fatal(err)
		}
		if e.Kind != KindKey {
			other = append(other, e)
			continue
		}
		if keys[e.DB] == nil {
			keys[e.DB] = map[string]Entry{}
		}
		keys[e.DB][string(e.Key)] = e
	}
}

func TestDecodeRedisSave(t *testing.T) {
	dir := t.TempDir()
	srv := startRedis(t, dir)
	keys := dataset()
	srv.fill(t, keys)
	srv.do(t, 0, "SAVE")
	got, other := decodeFile(t, filepath.Join(dir, "dump.rdb"))

	aux := map[string]string{}
	for _, e := range other {
		if e.Kind == KindAux {
			aux[string(e.AuxKey)] = string(e.AuxValue)
		}
	}
	if aux["redis-ver"] == "" || aux["redis-bits"] != "64" || aux["aof-base"] != "0" || aux["ctime"] == "" || aux["used-mem"] == "" {
		t.Errorf("AUX fields: %v", aux)
	}
	total := 0
	for _, k := range keys {
		want, exp, enc := srv.read(t, k.db, k.key)
		if enc != k.encoding {
			t.Errorf("db %d %s: redis holds it as %s, the data set expects %s", k.db, k.key, enc, k.encoding)
		}
		e, ok := got[k.db][k.key]
		if !ok {
			t.Errorf("db %d %s: not in the decoded file", k.db, k.key)
			continue
		}
		total++
		if c, w := canonical(e.Value), canonical(want); c != w {
			t.Errorf("db %d %s:\n decoded %s\n redis   %s", k.db, k.key, short(c), short(w))
		}
		if e.ExpireMs != exp {
			t.Errorf("db %d %s: expire %d, redis says %d", k.db, k.key, e.ExpireMs, exp)
		}
	}
	n := 0
	for _, m := range got {
		n += len(m)
	}
	if n != total {
		t.Errorf("decoded %d keys, the data set has %d", n, total)
	}
}

// writeFile encodes the data set as a whole RDB file.
func writeFile(t *testing.T, path string, keys []testKey, opts Options, meta func(testKey) Meta) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := NewEncoder(f, opts)
	e.WriteHeader()
	e.WriteInfo(Info{RedisVer: "7.0.15", Bits: 64, CTime: time.Now().Unix(), UsedMem: 1 << 20})
	byDB := map[int][]testKey{}
	for _, k := range keys {
		byDB[k.db] = append(byDB[k.db], k)
	}
	for _, db := range slices.Sorted(func(yield func(int) bool) {
		for db := range byDB {
			if !yield(db) {
				return
			}
		}
	}) {
		ks := byDB[db]
		expires := 0
		for _, k := range ks {
			if k.expireMs != 0 {
				expires++
			}
		}
		e.SelectDB(db)
		e.ResizeDB(uint64(len(ks)), uint64(expires))
		for _, k := range ks {
			m := Meta{ExpireMs: k.expireMs}
			if meta != nil {
				m = meta(k)
			}
			if err := e.WriteKey([]byte(k.key), k.v, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

func checkRDB(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(needTool(t, "redis-check-rdb"), path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "RDB looks OK") {
		t.Fatalf("redis-check-rdb %s: %v\n%s", path, err, out)
	}
}

func TestRedisLoadsEncodedFile(t *testing.T) {
	dir := t.TempDir()
	keys := dataset()
	path := filepath.Join(dir, "dump.rdb")
	writeFile(t, path, keys, Defaults(), nil)
	checkRDB(t, path)
	srv := startRedis(t, dir)
	for _, k := range keys {
		v, exp, enc := srv.read(t, k.db, k.key)
		if c, w := canonical(v), canonical(k.v); c != w {
			t.Errorf("db %d %s:\n redis   %s\n written %s", k.db, k.key, short(c), short(w))
		}
		if exp != k.expireMs {
			t.Errorf("db %d %s: redis says expire %d, written %d", k.db, k.key, exp, k.expireMs)
		}
		if enc != k.encoding {
			t.Errorf("db %d %s: redis loaded it as %s, want %s", k.db, k.key, enc, k.encoding)
		}
	}
	perDB := map[int]int64{}
	for _, k := range keys {
		perDB[k.db]++
	}
	for db, n := range perDB {
		if got := srv.do(t, db, "DBSIZE").(int64); got != n {
			t.Errorf("db %d: DBSIZE %d, want %d", db, got, n)
		}
	}
}

func TestRedisLoadsUncompressedUnchecksummedFile(t *testing.T) {
	dir := t.TempDir()
	keys := dataset()
	opts := Defaults()
	opts.Compression, opts.Checksum = false, false
	path := filepath.Join(dir, "dump.rdb")
	writeFile(t, path, keys, opts, nil)
	checkRDB(t, path)
	srv := startRedis(t, dir)
	for _, k := range keys {
		if v, _, _ := srv.read(t, k.db, k.key); canonical(v) != canonical(k.v) {
			t.Errorf("db %d %s differs", k.db, k.key)
		}
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasSuffix(b, make([]byte, 8)) {
		t.Error("checksum trailer is not zero with Checksum off")
	}
}

// deterministic reports whether Redis's layout of an encoding depends only
// on the data: hash tables iterate in a seeded random order.
func deterministic(encoding string) bool { return encoding != "hashtable" }

// TestDumpAgainstRedis runs DUMP and RESTORE both ways. With rdbcompression
// off the payloads must be equal byte for byte wherever Redis's layout is
// deterministic; with it on, LZF may differ (see lzf.go), so values are
// compared.
func TestDumpAgainstRedis(t *testing.T) {
	for _, compression := range []bool{false, true} {
		t.Run(fmt.Sprintf("rdbcompression=%v", compression), func(t *testing.T) {
			conf := "no"
			if compression {
				conf = "yes"
			}
			srv := startRedis(t, t.TempDir(), "--rdbcompression", conf)
			opts := Defaults()
			opts.Compression = compression
			keys := dataset()
			srv.fill(t, keys)
			for _, k := range keys {
				payload := []byte(srv.do(t, k.db, "DUMP", k.key).(string))
				v, err := ParseDump(payload)
				if err != nil {
					t.Errorf("%s: ParseDump of Redis's DUMP: %v", k.key, err)
					continue
				}
				if canonical(v) != canonical(k.v) {
					t.Errorf("%s: ParseDump gives %s", k.key, short(canonical(v)))
				}
				ours := DumpValue(k.v, opts)
				if !compression && deterministic(k.encoding) && !bytes.Equal(ours, payload) {
					t.Errorf("%s (%s): DumpValue differs from Redis's DUMP\n ours  %x\n redis %x", k.key, k.encoding, ours[:min(len(ours), 120)], payload[:min(len(payload), 120)])
				}
				srv.do(t, k.db, "RESTORE", "restored:"+k.key, 0, ours)
				got, _, enc := srv.read(t, k.db, "restored:"+k.key)
				if canonical(got) != canonical(k.v) {
					t.Errorf("%s: RESTORE of DumpValue gives %s", k.key, short(canonical(got)))
				}
				if enc != k.encoding {
					t.Errorf("%s: RESTORE of DumpValue is %s, want %s", k.key, enc, k.encoding)
				}
			}
		})
	}
}

func TestRestoreRefusesWhatParseDumpRefuses(t *testing.T) {
	srv := startRedis(t, t.TempDir())
	good := DumpValue(String("hello"), Defaults())
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-1] ^= 1
	newer := bytes.Clone(good)
	newer[len(newer)-10] = MaxVersion + 1
	for name, p := range map[string][]byte{"bad crc": badCRC, "short": good[:5]} {
		_, err := ParseDump(p)
		if err != ErrDumpPayload {
			t.Errorf("%s: ParseDump: %v", name, err)
		}
		ctx := context.Background()
		rerr := srv.client.Do(ctx, "RESTORE", "k", 0, p).Err()
		if rerr == nil || rerr.Error() != ErrDumpPayload.Error() {
			t.Errorf("%s: redis says %v, ParseDump %v", name, rerr, err)
		}
	}
	if _, err := ParseDump(newer); err != ErrDumpPayload {
		t.Errorf("newer version: %v", err)
	}
}

func TestEvictionHintsBothWays(t *testing.T) {
	for _, policy := range []string{"allkeys-lfu", "allkeys-lru"} {
		t.Run(policy, func(t *testing.T) {
			dir := t.TempDir()
			keys := dataset()[:5]
			path := filepath.Join(dir, "dump.rdb")
			writeFile(t, path, keys, Defaults(), func(k testKey) Meta {
				if policy == "allkeys-lfu" {
					return Meta{Evict: EvictLFU, Freq: 42}
				}
				return Meta{Evict: EvictLRU, Idle: 1000}
			})
			checkRDB(t, path)
			srv := startRedis(t, dir, "--maxmemory-policy", policy)
			for _, k := range keys {
				if policy == "allkeys-lfu" {
					if f := srv.do(t, 0, "OBJECT", "FREQ", k.key).(int64); f != 42 {
						t.Errorf("%s: OBJECT FREQ %d, want 42", k.key, f)
					}
				} else if idle := srv.do(t, 0, "OBJECT", "IDLETIME", k.key).(int64); idle < 1000 || idle > 1100 {
					t.Errorf("%s: OBJECT IDLETIME %d, want about 1000", k.key, idle)
				}
			}
			srv.do(t, 0, "SAVE")
			got, _ := decodeFile(t, path)
			for _, k := range keys {
				e := got[0][k.key]
				if policy == "allkeys-lfu" && (e.Evict != EvictLFU || e.Freq == 0) {
					t.Errorf("%s: decoded %+v, want an LFU counter", k.key, e.Meta)
				}
				if policy == "allkeys-lru" && (e.Evict != EvictLRU || e.Idle < 1000) {
					t.Errorf("%s: decoded %+v, want LRU idle >= 1000", k.key, e.Meta)
				}
			}
		})
	}
}

// fillStream makes a stream with every part of the format: entries with
// the master entry's fields and with others, several nodes, a deleted
// entry, consumer groups with pending entries and consumers.
func fillStream(t *testing.T, srv *redisServer, key string) {
	for i := 1; i <= 7; i++ {
		srv.do(t, 0, "XADD", key, fmt.Sprintf("%d-%d", 1000+i, i), "f", i, "g", "value")
	}
	srv.do(t, 0, "XADD", key, "2000-0", "other", "fields", "n", -5)
	srv.do(t, 0, "XDEL", key, "1002-2")
	srv.do(t, 0, "XGROUP", "CREATE", key, "readers", "0")
	srv.do(t, 0, "XGROUP", "CREATE", key, "late", "$")
	srv.do(t, 0, "XREADGROUP", "GROUP", "readers", "alice", "COUNT", 3, "STREAMS", key, ">")
	srv.do(t, 0, "XREADGROUP", "GROUP", "readers", "bob", "COUNT", 2, "STREAMS", key, ">")
	srv.do(t, 0, "XACK", key, "readers", "1001-1")
	srv.do(t, 0, "XGROUP", "CREATECONSUMER", key, "late", "carol")
}

// TestStreamsBothWays: a stream Redis dumps decodes, and encodes again to
// Redis's bytes (without LZF, whose output may differ); the file Redis
// saves with it decodes whole, function libraries included.
func TestStreamsBothWays(t *testing.T) {
	dir := t.TempDir()
	srv := startRedis(t, dir, "--rdbcompression", "no", "--stream-node-max-entries", "3")
	srv.do(t, 0, "SET", "before", "1")
	fillStream(t, srv, "events")
	payload := []byte(srv.do(t, 0, "DUMP", "events").(string))
	v, err := ParseDump(payload)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := v.(Stream)
	if !ok {
		t.Fatalf("decoded %T", v)
	}
	if len(st.Nodes) != 3 || st.Length != 7 || st.LastID != (StreamID{2000, 0}) || st.MaxDeletedID != (StreamID{1002, 2}) ||
		st.EntriesAdded != 8 || len(st.Groups) != 2 || len(st.Groups[1].PEL) != 4 || len(st.Groups[1].Consumers) != 2 {
		t.Fatalf("decoded %+v", st)
	}
	opts := Defaults()
	opts.Compression = false
	if again := DumpValue(st, opts); !bytes.Equal(again, payload) {
		t.Fatalf("re-encoded\n%x\nRedis's DUMP\n%x", again, payload)
	}
	srv.do(t, 0, "DEL", "events")
	if got := srv.do(t, 0, "RESTORE", "events", 0, string(DumpValue(st, Defaults()))); got != "OK" {
		t.Fatalf("RESTORE of the compressed payload: %v", got)
	}
	if n := srv.do(t, 0, "XLEN", "events"); n != int64(7) {
		t.Fatalf("XLEN after RESTORE: %v", n)
	}

	lib := "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 1 end)"
	srv.do(t, 0, "FUNCTION", "LOAD", lib)
	srv.do(t, 0, "SAVE")
	got, entries := decodeFile(t, filepath.Join(dir, "dump.rdb"))
	if _, ok := got[0]["events"].Value.(Stream); !ok {
		t.Fatalf("the file's events: %+v", got[0]["events"])
	}
	var fn []byte
	for _, e := range entries {
		if e.Kind == KindFunction {
			fn = e.Function
		}
	}
	if string(fn) != lib {
		t.Fatalf("function library %q, want %q", fn, lib)
	}
}

// TestReencodedRedisFileIsIdentical decodes a file redis-server saved and
// writes its records again in the same order: with rdbcompression off
// (LZF output may differ, see lzf.go) the two files must be equal byte for
// byte, AUX fields, hash-table orders and checksum included.
func TestReencodedRedisFileIsIdentical(t *testing.T) {
	dir := t.TempDir()
	srv := startRedis(t, dir, "--rdbcompression", "no")
	srv.fill(t, dataset())
	srv.do(t, 0, "SAVE")
	path := filepath.Join(dir, "dump.rdb")
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := Defaults()
	opts.Compression = false
	var buf bytes.Buffer
	enc := NewEncoder(&buf, opts)
	enc.WriteHeader()
	d := NewDecoder(bytes.NewReader(want), path)
	for {
		e, err := d.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatal(err)
		}
		switch e.Kind {
		case KindAux:
			enc.WriteAux(string(e.AuxKey), string(e.AuxValue))
		case KindSelectDB:
			enc.SelectDB(e.DB)
		case KindResizeDB:
			enc.ResizeDB(e.DBSize, e.ExpiresSize)
		case KindKey:
			enc.WriteKey(e.Key, e.Value, e.Meta)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("re-encoded file (%d bytes) differs from Redis's (%d bytes) at offset %d:\n ours  %x\n redis %x",
			len(got), len(want), i, got[i:min(i+40, len(got))], want[i:min(i+40, len(want))])
	}
}

// TestDumpMatchesRedisUnderOtherSettings passes non-default thresholds,
// including a positive list-max-listpack-size (elements per node), to
// both redis-server and the Encoder: the encodings and the payloads must
// still agree.
func TestDumpMatchesRedisUnderOtherSettings(t *testing.T) {
	srv := startRedis(t, t.TempDir(), "--rdbcompression", "no",
		"--hash-max-listpack-entries", "3", "--hash-max-listpack-value", "8",
		"--set-max-intset-entries", "2", "--zset-max-listpack-entries", "4",
		"--zset-max-listpack-value", "10", "--list-max-listpack-size", "5")
	opts := Options{HashMaxListpackEntries: 3, HashMaxListpackValue: 8, SetMaxIntsetEntries: 2,
		ZSetMaxListpackEntries: 4, ZSetMaxListpackValue: 10, ListMaxListpackSize: 5}
	keys := dataset()
	srv.fill(t, keys)
	for _, k := range keys {
		payload := []byte(srv.do(t, k.db, "DUMP", k.key).(string))
		_, _, enc := srv.read(t, k.db, k.key)
		ours := DumpValue(k.v, opts)
		if deterministic(enc) && !bytes.Equal(ours, payload) {
			t.Errorf("%s (%s): DumpValue differs from Redis's DUMP\n ours  %x\n redis %x", k.key, enc, ours[:min(len(ours), 80)], payload[:min(len(payload), 80)])
		}
		srv.do(t, k.db, "RESTORE", "restored:"+k.key, 0, ours)
		if _, _, renc := srv.read(t, k.db, "restored:"+k.key); renc != enc {
			t.Errorf("%s: RESTORE of DumpValue is %s, Redis holds it as %s", k.key, renc, enc)
		}
	}
}

// TestDecodeRedisCompressedListNodes reads lists whose quicklist nodes
// Redis keeps LZF-compressed (list-compress-depth), as it saves them.
func TestDecodeRedisCompressedListNodes(t *testing.T) {
	dir := t.TempDir()
	srv := startRedis(t, dir, "--list-compress-depth", "1")
	var keys []testKey
	for _, k := range dataset() {
		if _, ok := k.v.(List); ok {
			keys = append(keys, k)
		}
	}
	srv.fill(t, keys)
	srv.do(t, 0, "SAVE")
	got, _ := decodeFile(t, filepath.Join(dir, "dump.rdb"))
	for _, k := range keys {
		if c, w := canonical(got[k.db][k.key].Value), canonical(k.v); c != w {
			t.Errorf("%s: decoded %s", k.key, short(c))
		}
		v, err := ParseDump([]byte(srv.do(t, k.db, "DUMP", k.key).(string)))
		if err != nil || canonical(v) != canonical(k.v) {
			t.Errorf("%s: ParseDump: %v", k.key, err)
		}
	}
}
