package main

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// workload writes a mix of commands in two databases and returns the keys
// it touched in each.
func workload(t testing.TB, c *client) map[int][]string {
	t.Helper()
	steps := [][]string{
		{"SELECT", "0"},
		{"SET", "plain", "hello world"},
		{"SET", "binary", "a\r\nb\x00c"},
		{"SET", "ex", "v", "EX", "1000"},
		{"SET", "px", "v", "PX", "500000"},
		{"SET", "later", "v"},
		{"EXPIRE", "later", "2000"},
		{"SET", "gone", "v"},
		{"DEL", "gone"},
		{"INCR", "counter"},
		{"INCR", "counter"},
		{"APPEND", "log", "one,"},
		{"APPEND", "log", "two"},
		{"SELECT", "1"},
		{"SET", "plain", "in db 1"},
	}
	for _, s := range steps {
		if got := c.str(t, s...); strings.HasPrefix(got, "(error)") {
			t.Fatalf("%v: %s", s, got)
		}
	}
	return map[int][]string{
		0: {"plain", "binary", "ex", "px", "later", "gone", "counter", "log"},
		1: {"plain"},
	}
}

func state(t testing.TB, c *client, keys map[int][]string) map[string]keyState {
	all := map[string]keyState{}
	for db, ks := range keys {
		for k, v := range snapshot(t, c, db, ks) {
			all[fmt.Sprintf("%d/%s", db, k)] = v
		}
	}
	return all
}

// TestRoundTrip writes, stops the server cleanly, starts it again and
// compares every key, value and expire time, under each fsync policy.
func TestRoundTrip(t *testing.T) {
	for _, policy := range []string{"always", "everysec", "no"} {
		t.Run(policy, func(t *testing.T) {
			dir := t.TempDir()
			p := startGocache(t, dir, "--appendfsync", policy)
			c := mustDial(t, p.Addr)
			keys := workload(t, c)
			before := state(t, c, keys)
			p.Stop(t, stopWithin)

			p = startGocache(t, dir, "--appendfsync", policy)
			after := state(t, mustDial(t, p.Addr), keys)
			if diff := sameState(before, after, 2*time.Second); diff != "" {
				t.Fatal(diff)
			}
			incr := aofFile(t, dir, "appendonly.aof.1.incr.aof")
			if strings.Contains(incr, "GET") || strings.Contains(incr, "PTTL") || strings.Contains(incr, "EX\r\n") {
				t.Fatalf("reads or relative expirations in the AOF:\n%q", incr)
			}
		})
	}
}

// TestCrashAlwaysKeepsAcknowledgedWrites kills the server with SIGKILL at a
// random moment while several clients write under appendfsync always:
// after a restart every write that was acknowledged must be there.
//
// The moment is a random point in the stream of acknowledgements (after
// the n-th +OK, n drawn from the seed), not a random time: a loaded
// machine may acknowledge nothing in the first few hundred milliseconds,
// and a kill then would check nothing.
func TestCrashAlwaysKeepsAcknowledgedWrites(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			killAfter := int64(1 + rng.Intn(500))
			dir := t.TempDir()
			p := startGocache(t, dir, "--appendfsync", "always")
			const clients = 4
			acked := make([][]string, clients) // acked[i]: keys client i got +OK for
			var acks atomic.Int64
			reached := make(chan struct{})
			var wg sync.WaitGroup
			stop := time.Now().Add(60 * time.Second) // bound, in case the kill never lands
			for i := 0; i < clients; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					c, err := dial(p.Addr)
					if err != nil {
						return
					}
					defer c.conn.Close()
					for n := 0; time.Now().Before(stop); n++ {
						key := fmt.Sprintf("c%d:%d", i, n)
						v, err := c.do("SET", key, "v-"+key)
						if err != nil {
							return // the server is gone
						}
						if string(v.Str) == "OK" {
							acked[i] = append(acked[i], key)
							if acks.Add(1) == killAfter {
								close(reached)
							}
						}
					}
				}(i)
			}
			select {
			case <-reached:
			case <-time.After(30 * time.Second):
				p.Kill()
				wg.Wait()
				t.Fatalf("only %d of %d writes acknowledged in 30s", acks.Load(), killAfter)
			}
			p.Kill()
			wg.Wait()

			total := 0
			p = startGocache(t, dir, "--appendfsync", "always")
			c := mustDial(t, p.Addr)
			for i := range acked {
				for _, key := range acked[i] {
					if got := c.str(t, "GET", key); got != "v-"+key {
						t.Fatalf("acknowledged write %s lost after kill -9: GET = %q", key, got)
					}
					total++
				}
			}
			if total == 0 {
				t.Fatal("no write was acknowledged before the kill: the test checked nothing")
			}
			t.Logf("seed %d: %d acknowledged writes all survived", seed, total)
		})
	}
}

// TestCrashEverysec: under everysec a crash may lose up to about two
// seconds of writes; the file must load, and every write acknowledged more
// than two seconds before the kill must be there. (A killed process loses
// nothing that reached write(2): the page cache survives it. What everysec
// risks is a crash of the machine, which a test cannot stage.)
func TestCrashEverysec(t *testing.T) {
	dir := t.TempDir()
	p := startGocache(t, dir, "--appendfsync", "everysec")
	c := mustDial(t, p.Addr)
	type ack struct {
		key string
		at  time.Time
	}
	var acks []ack
	end := time.Now().Add(2500 * time.Millisecond)
	for n := 0; time.Now().Before(end); n++ {
		key := "k" + strconv.Itoa(n)
		if got := c.str(t, "SET", key, key); got != "OK" {
			t.Fatalf("SET: %s", got)
		}
		acks = append(acks, ack{key, time.Now()})
	}
	killedAt := time.Now()
	p.Kill()
	p = startGocache(t, dir, "--appendfsync", "everysec")
	c = mustDial(t, p.Addr)
	lost := 0
	for _, a := range acks {
		if c.str(t, "GET", a.key) != a.key {
			lost++
			if killedAt.Sub(a.at) > 2*time.Second {
				t.Fatalf("%s, acknowledged %v before the kill, was lost", a.key, killedAt.Sub(a.at))
			}
		}
	}
	t.Logf("%d writes, %d lost", len(acks), lost)
}

// TestCorruptAOFStopsTheStart: a damaged byte in the middle of the file is
// not a truncated tail; the server must refuse to start and say where.
func TestCorruptAOFStopsTheStart(t *testing.T) {
	dir := t.TempDir()
	p := startGocache(t, dir)
	c := mustDial(t, p.Addr)
	for i := 0; i < 10; i++ {
		c.str(t, "SET", fmt.Sprint("k", i), "v")
	}
	p.Stop(t, stopWithin)
	path := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(string(data), "k5") - 4 // the '$' of "$2\r\nk5"
	data[at] = '!'
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	q := spawn(t, dir, "--appendonly", "yes", "--dir", dir)
	select {
	case <-q.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("a corrupt AOF did not stop the start")
	}
	cmdStart := strings.LastIndex(string(data[:at]), "*3\r\n")
	want := fmt.Sprintf("appendonly.aof.1.incr.aof at offset %d", cmdStart)
	if q.Cmd.ProcessState.Success() || !strings.Contains(q.Log.String(), want) {
		t.Fatalf("exit %v, output lacks %q:\n%s", q.Cmd.ProcessState, want, q.Log)
	}
}

// TestTruncatedTailIsDropped: a crash in the middle of a write leaves half
// a command at the end; the start drops it with a warning and cuts the file.
func TestTruncatedTailIsDropped(t *testing.T) {
	dir := t.TempDir()
	p := startGocache(t, dir)
	c := mustDial(t, p.Addr)
	c.str(t, "SET", "a", "1")
	p.Stop(t, stopWithin)
	path := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	good, _ := os.ReadFile(path)
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1")
	f.Close()
	p = startGocache(t, dir)
	c = mustDial(t, p.Addr)
	if c.str(t, "GET", "a") != "1" || c.str(t, "GET", "b") != "(nil)" {
		t.Fatal("wrong data after a truncated tail")
	}
	if now, _ := os.ReadFile(path); string(now) != string(good) {
		t.Fatalf("file not cut back to the last complete command: %q", now)
	}
	if !strings.Contains(p.Log.String(), "Truncating the AOF") {
		t.Fatalf("no warning in the log:\n%s", p.Log)
	}
}

// TestRedisWritesGocacheLoads: a directory written by redis-server 7 loads
// in gocache with the same keys, values and expire times.
func TestRedisWritesGocacheLoads(t *testing.T) {
	dir := t.TempDir()
	r := startRedis(t, dir)
	rc := mustDial(t, r.Addr)
	keys := workload(t, rc)
	// A transaction: Redis wraps it in MULTI ... EXEC in the AOF.
	for _, s := range [][]string{{"SELECT", "0"}, {"MULTI"}, {"SET", "tx1", "a"}, {"SET", "tx2", "b"}, {"EXEC"}} {
		rc.str(t, s...)
	}
	keys[0] = append(keys[0], "tx1", "tx2")
	before := state(t, rc, keys)
	r.Stop(t, stopWithin)
	if incr := aofFile(t, dir, "appendonly.aof.1.incr.aof"); !strings.Contains(incr, "MULTI") {
		t.Fatalf("expected a MULTI block in Redis's AOF:\n%q", incr)
	}
	p := startGocache(t, dir)
	after := state(t, mustDial(t, p.Addr), keys)
	if diff := sameState(before, after, 2*time.Second); diff != "" {
		t.Fatal(diff)
	}
}

// TestGocacheWritesRedisLoads: and the other way round.
func TestGocacheWritesRedisLoads(t *testing.T) {
	needRedis(t, "redis-server")
	dir := t.TempDir()
	p := startGocache(t, dir, "--appendfsync", "always")
	c := mustDial(t, p.Addr)
	keys := workload(t, c)
	before := state(t, c, keys)
	p.Stop(t, stopWithin)
	r := startRedis(t, dir)
	after := state(t, mustDial(t, r.Addr), keys)
	if diff := sameState(before, after, 2*time.Second); diff != "" {
		t.Fatal(diff)
	}
}

// TestRedisCheckAOFAcceptsOurFiles runs Redis's own checker on a directory
// gocache wrote.
func TestRedisCheckAOFAcceptsOurFiles(t *testing.T) {
	check := needRedis(t, "redis-check-aof")
	dir := t.TempDir()
	p := startGocache(t, dir)
	workload(t, mustDial(t, p.Addr))
	p.Stop(t, stopWithin)
	out, err := exec.Command(check, filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "All AOF files and manifest are valid") {
		t.Fatalf("redis-check-aof: %v\n%s", err, out)
	}
}

// TestKeyThatExpiredWhileDownIsGone: the AOF is replayed in the loading
// state, so SET ... PXAT in the past and the INCR after it rebuild the key
// with its expiry, and the key is gone once the server serves.
func TestKeyThatExpiredWhileDownIsGone(t *testing.T) {
	dir := t.TempDir()
	servertest.ExpiresWhileDown(t, func() *servertest.Process { return startGocache(t, dir) })
}
