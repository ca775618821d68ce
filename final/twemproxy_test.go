package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// gocache as the shards behind twemproxy (nutcracker), the proxy that
// spreads keys over several Redis servers by consistent hashing. Two
// pools share the three shards: "store" keeps a dead shard's keys where
// they are (auto_eject_hosts false: their commands fail until it is
// back), "cache" ejects it and rehashes its keys onto the others.

// twemproxyPassword is the shards' requirepass, which nutcracker sends
// (redis_auth) on every connection it opens to them, and which clients
// of the proxy must give it.
const twemproxyPassword = "sh4rds"

// nutcrackerConfig is the YAML of the two pools in front of shards.
func nutcrackerConfig(store, cache string, shards []string) string {
	var b strings.Builder
	pool := func(name, listen string, eject bool) {
		fmt.Fprintf(&b, "%s:\n", name)
		fmt.Fprintf(&b, "  listen: %s\n", listen)
		b.WriteString("  hash: fnv1a_64\n  distribution: ketama\n  redis: true\n")
		// No redis_db: nutcracker 0.5 sends its SELECT before the AUTH
		// of redis_auth, and Redis (gocache too) refuses it, NOAUTH.
		fmt.Fprintf(&b, "  redis_auth: %s\n", twemproxyPassword)
		b.WriteString("  preconnect: true\n  timeout: 2000\n")
		fmt.Fprintf(&b, "  auto_eject_hosts: %t\n  server_retry_timeout: 30000\n  server_failure_limit: 1\n", eject)
		b.WriteString("  servers:\n")
		for i, addr := range shards {
			fmt.Fprintf(&b, "   - %s:1 shard%d\n", addr, i)
		}
	}
	pool("store", store, false)
	pool("cache", cache, true)
	return b.String()
}

// startTwemproxy starts three gocache shards and nutcracker in front of
// them; it returns the shards and the two pools' addresses.
func startTwemproxy(t *testing.T) (shards []*servertest.Process, store, cache string) {
	bin := enginePath(t, "nutcracker", "nutcracker")
	var addrs []string
	for range 3 {
		p := startProc(t, "--requirepass", twemproxyPassword, "--save", "")
		shards = append(shards, p)
		addrs = append(addrs, p.Addr)
	}
	dir := t.TempDir()
	store, cache = freeAddr(t), freeAddr(t)
	conf := filepath.Join(dir, "nutcracker.yml")
	if err := os.WriteFile(conf, []byte(nutcrackerConfig(store, cache, addrs)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-t", "-c", conf).CombinedOutput(); err != nil {
		t.Fatalf("nutcracker -t: %v\n%s", err, out)
	}
	stats := strconv.Itoa(servertest.FreePort(t))
	logFile := filepath.Join(dir, "nutcracker.log")
	e := startEngine(t, dir, bin, "-c", conf, "-s", stats, "-a", "127.0.0.1", "-o", logFile)
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(logFile)
			t.Logf("nutcracker's log:\n%s", log)
		}
	})
	e.waitListening(t, store, 10*time.Second)
	e.waitListening(t, cache, 10*time.Second)
	return shards, store, cache
}

// proxyClient is go-redis through twemproxy: RESP2 and no CLIENT
// SETINFO (twemproxy knows neither HELLO nor CLIENT), no retries, and a
// read timeout that turns a hang into a failure.
//
// go-redis v9 opens every connection with HELLO, even for RESP2, and
// twemproxy closes a connection on a command it does not support, so
// the client never gets to AUTH (go-redis issue 2616). The dialer puts
// helloShim between them: it answers HELLO with a Redis 5 server's
// error, and go-redis then falls back to AUTH, as it does with Redis 5.
func proxyClient(t *testing.T, addr string) *redis.Client {
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &helloShim{Conn: conn}, nil
	}
	c := redis.NewClient(&redis.Options{Addr: addr, Dialer: dial, Password: twemproxyPassword, Protocol: 2, DisableIdentity: true,
		MaxRetries: -1, ReadTimeout: 5 * time.Second, WriteTimeout: 5 * time.Second, DialTimeout: 5 * time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// helloShim answers a HELLO written on its connection itself, with
// "unknown command", instead of sending it on.
type helloShim struct {
	net.Conn
	mu    sync.Mutex
	reply []byte // the answer to a swallowed HELLO, read before the connection
}

func (h *helloShim) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("*")) && bytes.Contains(p[:min(len(p), 16)], []byte("\r\n$5\r\nhello\r\n")) ||
		bytes.Contains(p[:min(len(p), 16)], []byte("\r\n$5\r\nHELLO\r\n")) {
		h.mu.Lock()
		h.reply = append(h.reply, "-ERR unknown command 'HELLO'\r\n"...)
		h.mu.Unlock()
		return len(p), nil
	}
	return h.Conn.Write(p)
}

func (h *helloShim) Read(p []byte) (int, error) {
	h.mu.Lock()
	if len(h.reply) > 0 {
		n := copy(p, h.reply)
		h.reply = h.reply[n:]
		h.mu.Unlock()
		return n, nil
	}
	h.mu.Unlock()
	return h.Conn.Read(p)
}

// shardConn is a raw connection to one shard, authenticated.
func shardConn(t *testing.T, p *servertest.Process) *servertest.Conn {
	c := servertest.Dial(t, p.Addr)
	if got := c.Do("AUTH", twemproxyPassword); got != "+OK\r\n" {
		t.Fatalf("AUTH on %s: %q", p.Addr, got)
	}
	return c
}

// calls is cmdstat_<name>'s calls in a shard's INFO commandstats.
func calls(t *testing.T, c *servertest.Conn, name string) int {
	info := c.Do("INFO", "commandstats")
	m := regexp.MustCompile(`cmdstat_` + name + `:calls=(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// userKey is the i-th key of the tests.
func userKey(i int) string { return "user:" + strconv.Itoa(i) + ":profile" }

func TestTwemproxyShardsOverGocache(t *testing.T) {
	shards, store, _ := startTwemproxy(t)
	conns := make([]*servertest.Conn, len(shards))
	for i, p := range shards {
		conns[i] = shardConn(t, p)
	}
	for _, c := range conns {
		c.Do("CONFIG", "RESETSTAT") // forget the start's PINGs and our AUTH
	}
	// The proxy asks its own clients for the password, and answers PING
	// itself.
	raw := servertest.Dial(t, store)
	if got := raw.Do("GET", "x"); !strings.HasPrefix(got, "-NOAUTH") {
		t.Errorf("GET through the proxy before AUTH: %q, want -NOAUTH", got)
	}
	if got := raw.Do("AUTH", twemproxyPassword); got != "+OK\r\n" {
		t.Errorf("AUTH to the proxy: %q", got)
	}
	if got := raw.Do("PING"); got != "+PONG\r\n" {
		t.Errorf("PING through the proxy: %q", got)
	}

	// Keys spread over every shard, and each shard's DBSIZE counts its
	// own. (fnv1a_64 with ketama spreads short keys that differ in one
	// digit badly: k0 ... k59 all land on one shard of three.)
	rc := proxyClient(t, store)
	ctx := ctxFor(t, time.Minute)
	const n = 300
	for i := range n {
		if err := rc.Set(ctx, userKey(i), i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", userKey(i), err)
		}
	}
	total := 0
	for i, c := range conns {
		size, _ := strconv.Atoi(strings.Trim(c.Do("DBSIZE"), ":\r\n"))
		if size == 0 {
			t.Errorf("shard %d holds no key of %d", i, n)
		}
		total += size
		// nutcracker's first word on each connection it opened to the
		// shard was AUTH (redis_auth), answered +OK: no error at all.
		if calls(t, c, "auth") == 0 {
			t.Errorf("shard %d: nutcracker sent no AUTH: %q", i, c.Do("INFO", "commandstats"))
		}
		if got := c.Do("INFO", "errorstats"); strings.Contains(got, "errorstat_") {
			t.Errorf("shard %d answered nutcracker with an error: %q", i, got)
		}
	}
	if total != n {
		t.Errorf("the shards hold %d keys, want %d", total, n)
	}

	// Multi-key commands are split by shard and their replies put back
	// in order.
	keys := []string{userKey(0), userKey(1), userKey(2), userKey(3), "nope", userKey(299)}
	got, err := rc.MGet(ctx, keys...).Result()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[0 1 2 3 <nil> 299]" {
		t.Errorf("MGET through the proxy = %v", got)
	}
	if n, err := rc.Del(ctx, userKey(0), userKey(1), userKey(2), "nope").Result(); n != 3 || err != nil {
		t.Errorf("DEL of 4 keys over the shards = %d %v, want 3", n, err)
	}
	if v, err := rc.Incr(ctx, userKey(3)).Result(); v != 4 || err != nil {
		t.Errorf("INCR = %d %v", v, err)
	}
	if err := rc.HSet(ctx, "h", "a", "1", "b", "2").Err(); err != nil {
		t.Fatal(err)
	}
	if m, err := rc.HGetAll(ctx, "h").Result(); fmt.Sprint(m) != "map[a:1 b:2]" || err != nil {
		t.Errorf("HGETALL = %v %v", m, err)
	}
	if err := rc.RPush(ctx, "l", "x", "y", "z").Err(); err != nil {
		t.Fatal(err)
	}
	if l, err := rc.LRange(ctx, "l", 0, -1).Result(); fmt.Sprint(l) != "[x y z]" || err != nil {
		t.Errorf("LRANGE = %v %v", l, err)
	}
	if n, err := rc.Exists(ctx, "h", "l", userKey(3)).Result(); n != 3 || err != nil {
		t.Errorf("EXISTS = %d %v", n, err)
	}
}

// redis-benchmark through the proxy: sets and gets on random keys, which
// twemproxy spreads over the shards, every one answered.
func TestTwemproxyBenchmark(t *testing.T) {
	bench, err := exec.LookPath("redis-benchmark")
	if err != nil {
		t.Skip("redis-benchmark not installed (apt-get install redis-tools)")
	}
	shards, store, _ := startTwemproxy(t)
	host, port, _ := strings.Cut(store, ":")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bench, "-h", host, "-p", port, "-a", twemproxyPassword,
		"-t", "set,get", "-n", "2000", "-c", "10", "-r", "1000", "-q", "--csv").CombinedOutput()
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	for _, test := range []string{`"SET"`, `"GET"`} {
		if !strings.Contains(string(out), test) {
			t.Errorf("redis-benchmark did not report %s:\n%s", test, out)
		}
	}
	if strings.Contains(string(out), "ERR") || strings.Contains(string(out), "rror") {
		t.Errorf("redis-benchmark saw errors:\n%s", out)
	}
	for i, p := range shards {
		if size := strings.Trim(shardConn(t, p).Do("DBSIZE"), ":\r\n"); size == "0" {
			t.Errorf("shard %d got none of the benchmark's keys", i)
		}
	}
}

// A shard killed with kill -9: the store pool answers its keys with an
// error at once (no hang) and still serves the other shards' keys; the
// cache pool ejects it after one failure and serves every key from the
// two left.
func TestTwemproxyShardDown(t *testing.T) {
	shards, store, cache := startTwemproxy(t)
	ctx := ctxFor(t, time.Minute)
	st, ca := proxyClient(t, store), proxyClient(t, cache)
	const n = 100
	for i := range n {
		k := userKey(i)
		if err := st.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// Which keys live on shard 0, asked of the shard itself.
	c0 := shardConn(t, shards[0])
	var dead, alive []string
	for i := range n {
		k := userKey(i)
		if c0.Do("EXISTS", k) == ":1\r\n" {
			dead = append(dead, k)
		} else {
			alive = append(alive, k)
		}
	}
	if len(dead) == 0 || len(alive) == 0 {
		t.Fatalf("shard 0 holds %d of %d keys; want some, not all", len(dead), n)
	}
	shards[0].Kill()

	// The store pool: every command on a dead shard's key fails quickly
	// with twemproxy's error; the others still work.
	for _, k := range dead[:min(5, len(dead))] {
		start := time.Now()
		err := st.Get(ctx, k).Err()
		if err == nil || !strings.HasPrefix(err.Error(), "ERR ") {
			t.Errorf("GET %s on the dead shard: %v, want twemproxy's -ERR", k, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("GET %s on the dead shard took %v", k, d)
		}
	}
	// Once nutcracker saw the connection close, it reconnects for each
	// request and says why it cannot.
	if err := st.Get(ctx, dead[0]).Err(); err == nil || err.Error() != "ERR Connection refused" {
		t.Errorf("GET %s on the dead shard: %v, want ERR Connection refused", dead[0], err)
	}
	for _, k := range alive {
		if _, err := st.Get(ctx, k).Result(); err != nil {
			t.Errorf("GET %s on a live shard: %v", k, err)
		}
	}

	// The cache pool: after the failure that ejects the shard, its keys
	// hash to the live shards (a miss, then writable).
	k := dead[0]
	eventually(t, 10*time.Second, func() bool { return ca.Set(ctx, k, "again", 0).Err() == nil },
		func() string {
			return fmt.Sprintf("SET %s through the cache pool: %v", k, ca.Set(ctx, k, "again", 0).Err())
		})
	if v, err := ca.Get(ctx, k).Result(); v != "again" || err != nil {
		t.Errorf("GET %s after the ejection: %q %v", k, v, err)
	}
	for _, k := range alive {
		if _, err := ca.Get(ctx, k).Result(); err != nil {
			t.Errorf("GET %s through the cache pool: %v", k, err)
		}
	}
}
