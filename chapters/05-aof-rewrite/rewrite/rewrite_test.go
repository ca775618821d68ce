package rewrite

import (
	"errors"
	"fmt"
	"io"
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
	"github.com/gocache/gocache/chapters/04-aof/aof"
)

// slowScan makes the scan take many loop turns, so that commands run
// while a rewrite is half done. It restores the tuning when the test ends.
func slowScan(t *testing.T) {
	budget, count, chunk := stepBudget, scanCount, chunkSize
	stepBudget, scanCount, chunkSize = time.Microsecond, 4, 512
	t.Cleanup(func() { stepBudget, scanCount, chunkSize = budget, count, chunk })
}

func manifest(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRewriteUnderLoad runs BGREWRITEAOF several times while clients run
// INCR, APPEND, SET, DEL and expirations, then checks that a restart
// loads exactly the data the server had: no command lost or applied twice.
func TestRewriteUnderLoad(t *testing.T) {
	slowScan(t)
	dir := t.TempDir()
	n := start(t, dir, aof.EverySec, Config{}, nil)
	admin := dial(t, n.addr)
	populate(t, admin, 4000)

	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := dial(t, n.addr)
			rng := rand.New(rand.NewSource(int64(w)))
			for i := 0; !stop.Load(); i++ {
				db := strconv.Itoa(rng.Intn(testDBs))
				k := fmt.Sprintf("k:%d", rng.Intn(5000)) // some exist, some not
				cmds := [][]string{{"SELECT", db}}
				switch rng.Intn(7) {
				case 0:
					cmds = append(cmds, []string{"INCR", "counter:" + db})
				case 1:
					cmds = append(cmds, []string{"APPEND", k, "x"})
				case 2:
					cmds = append(cmds, []string{"SET", k, strconv.Itoa(i)})
				case 3:
					cmds = append(cmds, []string{"DEL", k})
				case 4:
					cmds = append(cmds, []string{"SET", k, "short", "PX", strconv.Itoa(1 + rng.Intn(30))})
				case 5:
					cmds = append(cmds, []string{"EXPIRE", k, strconv.Itoa(100 + rng.Intn(100))})
				case 6:
					cmds = append(cmds, []string{"GET", k})
				}
				for _, cmd := range cmds {
					c.send(cmd...)
				}
				for range cmds {
					v, err := c.read()
					if err != nil {
						errs <- err
						return
					}
					if v.Kind == '-' && !strings.HasPrefix(string(v.Str), "ERR value is not an integer") {
						errs <- fmt.Errorf("%v: %s", cmds, v.Str)
						return
					}
				}
			}
		}(w)
	}
	for round := 0; round < 3; round++ {
		if got := admin.do(t, "BGREWRITEAOF"); got != "Background append only file rewriting started" {
			t.Fatalf("BGREWRITEAOF: %q", got)
		}
		m := admin.waitRewrite(t)
		if m["aof_last_bgrewrite_status"] != "ok" {
			t.Fatalf("rewrite %d failed: %v", round, m)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if m := admin.info(t); m["aof_rewrites"] != "3" {
		t.Fatalf("aof_rewrites = %s, want 3", m["aof_rewrites"])
	}
	n.stop(t)
	want := dump(n.ca.DBs)
	if len(want) < 1000 {
		t.Fatalf("only %d keys: the workload did not run", len(want))
	}
	if d := diff(want, loaded(t, dir)); d != "" {
		t.Fatalf("state after restart differs:\n%s", d)
	}
	if m := manifest(t, dir); strings.Count(m, "\n") != 2 || strings.Contains(m, "type h") {
		t.Fatalf("manifest after rewrites should list one base and one incr file:\n%s", m)
	}
}

var errCrash = errors.New("simulated crash")

// TestCrashAtEachStep stops a rewrite after each of its steps, exactly as
// a crash would leave the directory (no clean-up), then checks that the
// directory loads to the data the server had, including writes made
// after the rewrite began.
func TestCrashAtEachStep(t *testing.T) {
	for step := StepRotated; step <= StepHistoryRemoved; step++ {
		t.Run(step.String(), func(t *testing.T) {
			dir := t.TempDir()
			halted := make(chan struct{})
			hook := func(s Step) error {
				if s != step {
					return nil
				}
				close(halted)
				return errCrash
			}
			n := start(t, dir, aof.Always, Config{}, hook)
			c := dial(t, n.addr)
			populate(t, c, 2000)
			c.do(t, "SET", "before", "1")
			if got := c.do(t, "BGREWRITEAOF"); got != "Background append only file rewriting started" {
				t.Fatalf("BGREWRITEAOF: %q", got)
			}
			c.do(t, "INCR", "k:2")
			c.do(t, "APPEND", "k:3", "after")
			c.do(t, "DEL", "k:0")
			<-halted
			m := c.waitRewrite(t)
			wantStatus := "err"
			if step == StepHistoryRemoved {
				wantStatus = "ok" // the last step: the rewrite was complete
			}
			if m["aof_last_bgrewrite_status"] != wantStatus {
				t.Fatalf("aof_last_bgrewrite_status = %s, want %s", m["aof_last_bgrewrite_status"], wantStatus)
			}
			c.do(t, "INCR", "k:2")
			c.do(t, "SET", "after", "2", "PX", "100000")
			n.stop(t)
			want := dump(n.ca.DBs)
			if d := diff(want, loaded(t, dir)); d != "" {
				t.Fatalf("state after a crash at %s differs:\n%s\nmanifest:\n%s", step, d, manifest(t, dir))
			}
		})
	}
}

// TestFlushDuringRewrite runs FLUSHALL while the scan is half way: the
// rewrite starts over and the result still loads to the right data.
func TestFlushDuringRewrite(t *testing.T) {
	slowScan(t)
	dir := t.TempDir()
	n := start(t, dir, aof.EverySec, Config{}, nil)
	c := dial(t, n.addr)
	populate(t, c, 4000)
	c.do(t, "BGREWRITEAOF")
	c.do(t, "SET", "k:1", "changed")
	if got := c.info(t)["aof_rewrite_in_progress"]; got != "1" {
		t.Fatalf("aof_rewrite_in_progress = %s: the scan was too fast for this test", got)
	}
	c.do(t, "FLUSHALL")
	c.do(t, "SET", "new", "after flush")
	m := c.waitRewrite(t)
	if m["aof_last_bgrewrite_status"] != "ok" || m["aof_rewrites"] != "1" {
		t.Fatalf("after FLUSHALL: %v", m)
	}
	n.stop(t)
	want := dump(n.ca.DBs)
	if len(want) != 1 {
		t.Fatalf("want only the key set after FLUSHALL, got %d keys", len(want))
	}
	if d := diff(want, loaded(t, dir)); d != "" {
		t.Fatalf("state after restart differs:\n%s", d)
	}
}

// TestBGREWRITEAOFReplies checks Redis 7.0's replies, byte for byte, and
// INFO while a rewrite is held half way.
func TestBGREWRITEAOFReplies(t *testing.T) {
	dir := t.TempDir()
	release := make(chan struct{})
	hook := func(s Step) error {
		if s == StepBaseWritten {
			<-release
		}
		return nil
	}
	n := start(t, dir, aof.EverySec, Config{}, hook)
	c := dial(t, n.addr)
	c.do(t, "SET", "a", "1")
	for _, tc := range []struct{ send, want string }{
		{"BGREWRITEAOF", "+Background append only file rewriting started\r\n"},
		{"BGREWRITEAOF", "-ERR Background append only file rewriting already in progress\r\n"},
		{"BGREWRITEAOF x", "-ERR wrong number of arguments for 'bgrewriteaof' command\r\n"},
	} {
		c.conn.Write([]byte(tc.send + "\r\n"))
		buf := make([]byte, len(tc.want))
		c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadFull(c.conn, buf); err != nil || string(buf) != tc.want {
			t.Fatalf("%s: got %q (%v), want %q", tc.send, buf, err, tc.want)
		}
	}
	m := c.info(t)
	if m["aof_rewrite_in_progress"] != "1" || m["aof_rewrites"] != "1" || m["aof_current_rewrite_time_sec"] == "-1" {
		t.Fatalf("INFO while rewriting: %v", m)
	}
	close(release)
	m = c.waitRewrite(t)
	if m["aof_last_bgrewrite_status"] != "ok" || m["aof_last_rewrite_time_sec"] == "-1" || m["aof_base_size"] == "0" {
		t.Fatalf("INFO after the rewrite: %v", m)
	}
}

// TestRedisLoadsRewrittenDir checks the rewritten directory with Redis's
// own tools: redis-check-aof accepts it and redis-server 7 loads the same
// data.
func TestRedisLoadsRewrittenDir(t *testing.T) {
	check, err := exec.LookPath("redis-check-aof")
	if err != nil || servertest.RedisPath() == "" {
		t.Skip("redis-server/redis-check-aof not installed: skipping the check with real Redis (apt-get install redis-server redis-tools)")
	}
	dir := t.TempDir()
	n := start(t, dir, aof.EverySec, Config{}, nil)
	c := dial(t, n.addr)
	populate(t, c, 400)
	c.do(t, "BGREWRITEAOF")
	c.waitRewrite(t)
	c.do(t, "INCR", "k:2") // something in the new incr file too
	n.stop(t)
	want := dump(n.ca.DBs)

	out, err := exec.Command(check, filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "All AOF files and manifest are valid") {
		t.Fatalf("redis-check-aof: %v\n%s", err, out)
	}
	addr := servertest.StartRedis(t, "--appendonly", "yes", "--dir", dir, "--databases", "16")
	r := dial(t, addr)
	for k, w := range want {
		db, key, _ := strings.Cut(k, "/")
		r.do(t, "SELECT", db)
		if got := r.do(t, "GET", key); got != w.val {
			t.Fatalf("redis GET %s = %q, want %q", k, got, w.val)
		}
		at, _ := strconv.ParseInt(r.do(t, "PEXPIRETIME", key), 10, 64)
		if w.expireAt == 0 && at != -1 || w.expireAt != 0 && at != w.expireAt {
			t.Fatalf("redis PEXPIRETIME %s = %d, want %d", k, at, w.expireAt)
		}
	}
	r.do(t, "SELECT", "0")
	total := 0
	for db := 0; db < testDBs; db++ {
		r.do(t, "SELECT", strconv.Itoa(db))
		k, _ := strconv.Atoi(r.do(t, "DBSIZE"))
		total += k
	}
	if total != len(want) {
		t.Fatalf("redis has %d keys, want %d", total, len(want))
	}
}

// TestAutoRewrite lets the AOF grow past auto-aof-rewrite-percentage
// (set with CONFIG SET) and waits for the rewrite that follows.
func TestAutoRewrite(t *testing.T) {
	dir := t.TempDir()
	n := start(t, dir, aof.EverySec, Defaults(), nil)
	c := dial(t, n.addr)
	for _, tc := range [][2]string{
		{"auto-aof-rewrite-percentage", "100"},
		{"auto-aof-rewrite-min-size", "67108864"},
	} {
		c.send("CONFIG", "GET", tc[0])
		v, _ := c.read()
		if len(v.Elems) != 2 || string(v.Elems[1].Str) != tc[1] {
			t.Fatalf("CONFIG GET %s: %+v", tc[0], v)
		}
	}
	if got := c.do(t, "CONFIG", "SET", "auto-aof-rewrite-min-size", "lots"); !strings.Contains(got, "argument must be a memory value") {
		t.Fatalf("CONFIG SET min-size lots: %q", got)
	}
	if got := c.do(t, "CONFIG", "SET", "auto-aof-rewrite-min-size", "4kb"); got != "OK" {
		t.Fatalf("CONFIG SET: %q", got)
	}
	c.send("CONFIG", "GET", "auto-aof-rewrite-min-size")
	if v, _ := c.read(); len(v.Elems) != 2 || string(v.Elems[1].Str) != "4096" {
		t.Fatalf("CONFIG GET after SET 4kb: %+v", v)
	}
	// The same key over and over: the log grows, the data does not.
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; ; i++ {
		c.do(t, "SET", "k", strings.Repeat("v", 100)+strconv.Itoa(i))
		if i%20 == 0 {
			if m := c.info(t); m["aof_rewrites"] != "0" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no automatic rewrite within 30 s: %v", c.info(t))
		}
	}
	m := c.waitRewrite(t)
	base, _ := strconv.Atoi(m["aof_base_size"])
	if m["aof_last_bgrewrite_status"] != "ok" || base == 0 || base > 200 {
		t.Fatalf("after the automatic rewrite: %v", m)
	}
}

// TestMinSizeMatchesRedis sets auto-aof-rewrite-min-size on chapter 05's
// server and on redis-server to the same values, good and bad, and
// compares the replies and the value CONFIG GET reads back.
func TestMinSizeMatchesRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	n := start(t, t.TempDir(), aof.No, Defaults(), nil)
	p := servertest.DialPair(t, n.addr, redisAddr)
	for _, v := range []string{
		"64mb", "64MB", "1k", "1kb", "1Kb", "7", "2g", "1gb", "10b", "007", "", "mb", "k",
		"-1", "+1", " 1", "1 ", "1.5mb", "1tb", "1kbb",
		"9223372036854775807", "9223372036854775808", "18446744073709551616", "17179869184gb", "8589934592gb",
	} {
		p.Same("CONFIG", "SET", "auto-aof-rewrite-min-size", v)
		p.Same("CONFIG", "GET", "auto-aof-rewrite-min-size")
	}
}
