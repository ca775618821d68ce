package cache_test

import (
	"context"
	"errors"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestGoRedis drives the server with go-redis v9, which opens with
// HELLO 3 and so talks RESP3.
func TestGoRedis(t *testing.T) {
	s, _ := startCache(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: servertest.Addr(s)})
	defer rdb.Close()

	if err := rdb.Set(ctx, "greeting", "hello\r\n\x00", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := rdb.Get(ctx, "greeting").Result(); err != nil || v != "hello\r\n\x00" {
		t.Fatalf("GET = %q, %v", v, err)
	}
	if _, err := rdb.Get(ctx, "missing").Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("GET missing: %v, want redis.Nil", err)
	}
	if n, err := rdb.Incr(ctx, "hits").Result(); err != nil || n != 1 {
		t.Fatalf("INCR = %d, %v", n, err)
	}
	if n, err := rdb.IncrBy(ctx, "hits", 41).Result(); err != nil || n != 42 {
		t.Fatalf("INCRBY = %d, %v", n, err)
	}
	if err := rdb.Incr(ctx, "greeting").Err(); err == nil || err.Error() != "ERR value is not an integer or out of range" {
		t.Fatalf("INCR of text: %v", err)
	}
	if ok, err := rdb.SetNX(ctx, "hits", "0", 0).Result(); err != nil || ok {
		t.Fatalf("SETNX on an existing key = %v, %v", ok, err)
	}
	if err := rdb.Set(ctx, "session", "x", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if d, err := rdb.TTL(ctx, "session").Result(); err != nil || d != time.Hour {
		t.Fatalf("TTL = %v, %v", d, err)
	}
	if err := rdb.SetArgs(ctx, "session", "y", redis.SetArgs{KeepTTL: true}).Err(); err != nil {
		t.Fatal(err)
	}
	if d, err := rdb.PTTL(ctx, "session").Result(); err != nil || d <= 59*time.Minute {
		t.Fatalf("PTTL after KEEPTTL = %v, %v", d, err)
	}
	if ok, err := rdb.ExpireGT(ctx, "session", time.Minute).Result(); err != nil || ok {
		t.Fatalf("EXPIRE GT with a shorter time = %v, %v", ok, err)
	}
	vals, err := rdb.MGet(ctx, "hits", "missing", "session").Result()
	if err != nil || len(vals) != 3 || vals[0] != "42" || vals[1] != nil || vals[2] != "y" {
		t.Fatalf("MGET = %#v, %v", vals, err)
	}
	keys, err := rdb.Keys(ctx, "*s*").Result()
	sort.Strings(keys)
	if err != nil || strings.Join(keys, ",") != "hits,session" {
		t.Fatalf("KEYS = %q, %v", keys, err)
	}
	var scanned []string
	iter := rdb.Scan(ctx, 0, "", 1).Iterator()
	for iter.Next(ctx) {
		scanned = append(scanned, iter.Val())
	}
	sort.Strings(scanned)
	if iter.Err() != nil || strings.Join(scanned, ",") != "greeting,hits,session" {
		t.Fatalf("SCAN = %q, %v", scanned, iter.Err())
	}
	if n, err := rdb.Del(ctx, "hits", "missing", "session").Result(); err != nil || n != 2 {
		t.Fatalf("DEL = %d, %v", n, err)
	}
	if n, err := rdb.DBSize(ctx).Result(); err != nil || n != 1 {
		t.Fatalf("DBSIZE = %d, %v", n, err)
	}
	pipe := rdb.Pipeline()
	for i := 0; i < 100; i++ {
		pipe.Set(ctx, "p"+strconv.Itoa(i), i, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := rdb.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.DBSize(ctx).Result(); n != 0 {
		t.Fatalf("DBSIZE after FLUSHALL = %d", n)
	}
}

// TestRedisCLIScriptMatchesRedis pipes the same script into redis-cli
// against both servers: the printed output must be identical.
func TestRedisCLIScriptMatchesRedis(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed (apt-get install redis-tools)")
	}
	redisAddr := servertest.StartRedis(t)
	s, _ := startCache(t)
	script := strings.Join([]string{
		"FLUSHALL", "SET greeting hello", "GET greeting", "APPEND greeting \" world\"", "GET greeting",
		"INCR counter", "INCRBY counter 10", "DECR counter", "SET session abc EX 1000", "TTL session",
		"EXISTS greeting session nope", "MGET greeting nope counter", "SET greeting x NX", "STRLEN greeting",
		"EXPIRE counter 100 NX", "EXPIRE counter 100 NX", "PERSIST counter", "TTL counter",
		"DEL session", "KEYS greet*", "DBSIZE", "INCR greeting", "SET k v EX 0", "GET",
	}, "\n") + "\n"
	run := func(addr string) string {
		host, port, _ := strings.Cut(addr, ":")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, cli, "-h", host, "-p", port)
		cmd.Stdin = strings.NewReader(script)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli: %v\n%s", err, out)
		}
		return string(out)
	}
	got, want := run(servertest.Addr(s)), run(redisAddr)
	if got != want {
		t.Fatalf("redis-cli output differs\ngocache:\n%s\nredis:\n%s", got, want)
	}
	if !strings.Contains(got, "hello world") {
		t.Fatalf("unexpected output:\n%s", got)
	}
}

// TestRedisBenchmarkCompletes runs a short pipelined redis-benchmark of SET
// and GET: every request must be answered (a speed is not asserted).
func TestRedisBenchmarkCompletes(t *testing.T) {
	bench, err := exec.LookPath("redis-benchmark")
	if err != nil {
		t.Skip("redis-benchmark not installed (apt-get install redis-tools)")
	}
	s, _ := startCache(t)
	host, port, _ := strings.Cut(servertest.Addr(s), ":")
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bench, "-h", host, "-p", port,
		"-t", "set,get", "-P", "16", "-n", "20000", "-q").CombinedOutput()
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	for _, want := range []string{"SET: ", "GET: "} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("redis-benchmark output lacks %q:\n%s", want, out)
		}
	}
	c := servertest.Dial(t, servertest.Addr(s))
	if got := c.Do("DBSIZE"); got != ":1\r\n" { // redis-benchmark uses the one key "key:__rand_int__"
		t.Fatalf("DBSIZE after the benchmark = %q", got)
	}
}
