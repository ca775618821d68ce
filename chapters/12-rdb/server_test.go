package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// key is one key of the test data set and how to read it back.
type key struct {
	db   int
	name string
	kind string // string, list, hash, set, zset
}

// dataset is every type in its small and its large encoding, integers,
// strings long enough for LZF, keys with a time to live, in three
// databases: the commands that build it and the keys to compare.
func dataset() (cmds [][]string, keys []key) {
	add := func(db int, name, kind string, cmd ...string) {
		cmds = append(cmds, []string{"SELECT", strconv.Itoa(db)}, cmd)
		keys = append(keys, key{db, name, kind})
	}
	add(0, "int", "string", "SET", "int", "12345")
	add(0, "neg", "string", "SET", "neg", "-9000000000")
	add(0, "short", "string", "SET", "short", "hello")
	add(0, "lzf", "string", "SET", "lzf", strings.Repeat("abcabcabc", 50))
	add(0, "ttl", "string", "SET", "ttl", "soon", "EX", "100000")
	add(1, "other-db", "string", "SET", "other-db", "one")
	add(0, "small-list", "list", "RPUSH", "small-list", "a", "1", "b", "-2")
	big := []string{"RPUSH", "big-list"}
	for i := 0; i < 2000; i++ {
		big = append(big, fmt.Sprintf("element-%d-%s", i, strings.Repeat("x", i%40)))
	}
	add(0, "big-list", "list", big...)
	add(2, "small-hash", "hash", "HSET", "small-hash", "f1", "v1", "f2", "2")
	bigHash := []string{"HSET", "big-hash"}
	for i := 0; i < 600; i++ {
		bigHash = append(bigHash, "field"+strconv.Itoa(i), "value"+strconv.Itoa(i))
	}
	add(2, "big-hash", "hash", bigHash...)
	add(0, "intset", "set", "SADD", "intset", "1", "2", "3", "-100", "70000")
	add(0, "strset", "set", "SADD", "strset", "a", "b", "c")
	bigSet := []string{"SADD", "big-set"}
	for i := 0; i < 700; i++ {
		bigSet = append(bigSet, strconv.Itoa(i*7))
	}
	add(0, "big-set", "set", bigSet...)
	add(0, "small-zset", "zset", "ZADD", "small-zset", "1", "one", "2.5", "two", "-inf", "low")
	bigZ := []string{"ZADD", "big-zset"}
	for i := 0; i < 300; i++ {
		bigZ = append(bigZ, strconv.FormatFloat(float64(i)/3, 'g', -1, 64), "m"+strconv.Itoa(i))
	}
	add(0, "big-zset", "zset", bigZ...)
	cmds = append(cmds, []string{"PEXPIRE", "big-zset", "5000000"}, []string{"SELECT", "0"})
	return cmds, keys
}

// state reads every key of keys from c in a form that does not depend on
// a server's iteration order: the value, and whether it has a TTL and
// about how long.
func state(t *testing.T, c *servertest.Conn, keys []key) string {
	t.Helper()
	var b strings.Builder
	for _, k := range keys {
		c.Do("SELECT", strconv.Itoa(k.db))
		var v string
		switch k.kind {
		case "string":
			v = c.Do("GET", k.name)
		case "list":
			v = c.Do("LRANGE", k.name, "0", "-1")
		case "hash":
			v = sorted(c.Do("HGETALL", k.name))
		case "set":
			v = sorted(c.Do("SMEMBERS", k.name))
		case "zset":
			v = c.Do("ZRANGE", k.name, "0", "-1", "WITHSCORES")
		}
		ttl, _ := strconv.ParseInt(strings.Trim(c.Do("PTTL", k.name), ":\r\n"), 10, 64)
		fmt.Fprintf(&b, "%d %s %s ttl~%d\n", k.db, k.name, v, (ttl+60000)/100000)
	}
	c.Do("SELECT", "0")
	return b.String()
}

// sorted puts the lines of an aggregate reply in order; pairs of a
// HGETALL are compared as lines, which is enough to catch a lost field.
func sorted(raw string) string {
	lines := strings.Split(raw, "\r\n")
	sort.Strings(lines)
	return strings.Join(lines, "|")
}

func run(t *testing.T, c *servertest.Conn, cmds [][]string) {
	t.Helper()
	for _, cmd := range cmds {
		if r := c.Do(cmd...); strings.HasPrefix(r, "-") {
			t.Fatalf("%q: %q", cmd, r)
		}
	}
}

// start runs the chapter's server in dir and waits until it serves.
func start(t *testing.T, bin, dir string, args ...string) *servertest.Process {
	t.Helper()
	p := servertest.StartProcess(t, "", bin, append([]string{"--dir", dir}, args...)...)
	p.WaitReady(t, 30*time.Second)
	return p
}

// startRedis runs redis-server on dir with its defaults' persistence
// options replaced by args, or skips the test without it.
func startRedis(t *testing.T, dir string, args ...string) (*servertest.Conn, func()) {
	t.Helper()
	bin := servertest.RedisPath()
	if bin == "" {
		t.Skip("redis-server not installed: skipping the comparison with real Redis (apt-get install redis-server)")
	}
	port := servertest.FreePort(t)
	all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
		"--logfile", filepath.Join(t.TempDir(), "redis.log")}, args...)
	cmd := exec.Command(bin, all...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() }
	t.Cleanup(stop)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	servertest.WaitPing(t, addr, 10*time.Second)
	return servertest.Dial(t, addr), stop
}

// waitInfo polls INFO persistence until field has the value want.
func waitInfo(t *testing.T, c *servertest.Conn, field, want string) {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + field + `:(.*)\r$`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		m := re.FindStringSubmatch(c.Do("INFO", "persistence"))
		if m != nil && m[1] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is %q, want %q", field, m, want)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, bounded by the deadline
	}
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

// TestSaveLoadsInRedisAndBack writes the data set in gocache, saves it
// with SAVE and with BGSAVE, and checks that redis-server loads each file
// to the same values (and redis-check-rdb passes it); then the reverse:
// redis-server's dump.rdb loads in gocache.
func TestSaveLoadsInRedisAndBack(t *testing.T) {
	bin := servertest.Build(t, ".")
	cmds, keys := dataset()
	for _, how := range []string{"SAVE", "BGSAVE"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			p := start(t, bin, dir, "--save", "")
			c := servertest.Dial(t, p.Addr)
			run(t, c, cmds)
			want := state(t, c, keys)
			if how == "SAVE" {
				if r := c.Do("SAVE"); r != "+OK\r\n" {
					t.Fatalf("SAVE: %q", r)
				}
			} else {
				if r := c.Do("BGSAVE"); r != "+Background saving started\r\n" {
					t.Fatalf("BGSAVE: %q", r)
				}
				waitInfo(t, c, "rdb_bgsave_in_progress", "0")
				waitInfo(t, c, "rdb_last_bgsave_status", "ok")
			}
			waitInfo(t, c, "rdb_changes_since_last_save", "0")
			if check, err := exec.LookPath("redis-check-rdb"); err == nil {
				out, err := exec.Command(check, filepath.Join(dir, "dump.rdb")).CombinedOutput()
				if err != nil || !strings.Contains(string(out), "RDB looks OK") {
					t.Fatalf("redis-check-rdb: %v\n%s", err, out)
				}
			}
			rdir := t.TempDir()
			copyFile(t, filepath.Join(dir, "dump.rdb"), filepath.Join(rdir, "dump.rdb"))
			r, _ := startRedis(t, rdir)
			if got := state(t, r, keys); got != want {
				t.Fatalf("redis-server loaded\n%s\nwant\n%s", got, want)
			}
			// And back: Redis saves what it loaded; gocache loads it.
			if got := r.Do("SAVE"); got != "+OK\r\n" {
				t.Fatalf("redis SAVE: %q", got)
			}
			gdir := t.TempDir()
			copyFile(t, filepath.Join(rdir, "dump.rdb"), filepath.Join(gdir, "dump.rdb"))
			p2 := start(t, bin, gdir, "--save", "")
			if got := state(t, servertest.Dial(t, p2.Addr), keys); got != want {
				t.Fatalf("gocache loaded Redis's file as\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestBGSaveRepliesAsRedis sends one pipeline of persistence commands to
// both servers: the first BGSAVE starts, and everything after it in the
// same pipeline finds it running, on either server, since neither
// notices the end of a save before the next loop turn or cron.
func TestBGSaveRepliesAsRedis(t *testing.T) {
	bin := servertest.Build(t, ".")
	dir := t.TempDir()
	p := start(t, bin, dir, "--save", "")
	r, _ := startRedis(t, t.TempDir())
	pair := &servertest.Pair{Go: servertest.Dial(t, p.Addr), Redis: r}
	pair.Same("SET", "k", "v")
	var raw strings.Builder
	cmds := [][]string{{"BGSAVE"}, {"BGSAVE"}, {"BGSAVE", "SCHEDULE"}, {"SAVE"}, {"BGSAVE", "NOW"},
		{"BGREWRITEAOF"}, {"LASTSAVE", "x"}}
	for _, cmd := range cmds {
		raw.Write(servertest.Command(cmd...))
	}
	pair.SameRaw(raw.String(), len(cmds))
	for _, c := range []*servertest.Conn{pair.Go, pair.Redis} {
		waitInfo(t, c, "rdb_bgsave_in_progress", "0")
		waitInfo(t, c, "aof_rewrites", "1") // the scheduled rewrite ran
		waitInfo(t, c, "aof_rewrite_in_progress", "0")
	}
	// With a rewrite running, a plain BGSAVE is refused and SCHEDULE
	// schedules it.
	raw.Reset()
	cmds = [][]string{{"BGREWRITEAOF"}, {"BGSAVE"}, {"BGSAVE", "SCHEDULE"}}
	for _, cmd := range cmds {
		raw.Write(servertest.Command(cmd...))
	}
	pair.SameRaw(raw.String(), len(cmds))
	waitInfo(t, pair.Go, "rdb_bgsave_in_progress", "0")
	for _, opt := range []string{"save", "dbfilename", "rdbcompression", "rdbchecksum", "stop-writes-on-bgsave-error", "aof-use-rdb-preamble"} {
		pair.Same("CONFIG", "GET", opt)
	}
	pair.Same("CONFIG", "SET", "save", "100 1 10")
	pair.Same("CONFIG", "SET", "save", "0 1")
	pair.Same("CONFIG", "SET", "save", "100 1 10 2")
	pair.Same("CONFIG", "GET", "save")
	pair.Same("CONFIG", "SET", "rdbcompression", "maybe")
}

// TestBGSaveWritesTheKeyspaceAsOfItsStart overwrites, deletes and
// creates keys while a BGSAVE of many keys runs, and checks that the
// file holds every key exactly as it was when BGSAVE was answered.
func TestBGSaveWritesTheKeyspaceAsOfItsStart(t *testing.T) {
	bin := servertest.Build(t, ".")
	dir := t.TempDir()
	p := start(t, bin, dir, "--save", "")
	c := servertest.Dial(t, p.Addr)
	const n = 200000
	var batch strings.Builder
	queued := 0
	send := func(args ...string) {
		batch.Write(servertest.Command(args...))
		queued++
	}
	flush := func() {
		c.Send(batch.String())
		for ; queued > 0; queued-- {
			c.ReadRaw()
		}
		batch.Reset()
	}
	for i := 0; i < n; i += 1000 {
		for j := i; j < i+1000; j++ {
			send("SET", "key:"+strconv.Itoa(j), "old-"+strconv.Itoa(j))
		}
		flush()
	}
	// Change keys while the save runs: the writes go in the same
	// pipeline as BGSAVE, so the first ones run before its first step.
	c.Send(string(servertest.Command("BGSAVE")))
	for i := n - 1; i >= n-6000; i -= 2 { // replies fit in the socket buffers
		send("SET", "key:"+strconv.Itoa(i), "new")
		send("DEL", "key:"+strconv.Itoa(i-1))
		send("SET", "born-after:"+strconv.Itoa(i), "x")
	}
	c.Send(batch.String())
	if r := c.ReadRaw(); r != "+Background saving started\r\n" {
		t.Fatalf("BGSAVE: %q", r)
	}
	for ; queued > 0; queued-- {
		c.ReadRaw()
	}
	if got := c.Do("INFO", "persistence"); !strings.Contains(got, "rdb_bgsave_in_progress:1") {
		t.Log("the save ended before the writes did: the copy on write was not exercised")
	}
	waitInfo(t, c, "rdb_bgsave_in_progress", "0")
	waitInfo(t, c, "rdb_last_bgsave_status", "ok")

	f, err := os.Open(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := rdb.NewDecoder(f, "dump.rdb")
	seen := 0
	for {
		e, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != rdb.KindKey {
			continue
		}
		name := string(e.Key)
		i, err := strconv.Atoi(strings.TrimPrefix(name, "key:"))
		if err != nil {
			t.Fatalf("key %q was created after the save started", name)
		}
		if got := string(e.Value.(rdb.String)); got != "old-"+strconv.Itoa(i) {
			t.Fatalf("%s = %q, want its value at the start", name, got)
		}
		seen++
	}
	if seen != n {
		t.Fatalf("the file holds %d keys, want %d", seen, n)
	}
}

// TestFailedBGSaveStopsWrites makes the background save fail (its temp
// file's name is taken by a directory) and checks that writes get
// Redis's MISCONF error, reads go on, INFO says err, and a save that
// works again lets writes through.
func TestFailedBGSaveStopsWrites(t *testing.T) {
	bin := servertest.Build(t, ".")
	dir := t.TempDir()
	p := start(t, bin, dir)
	c := servertest.Dial(t, p.Addr)
	c.Do("SET", "k", "v")
	blocker := filepath.Join(dir, fmt.Sprintf("temp-bg-%d.rdb", p.Cmd.Process.Pid))
	if err := os.MkdirAll(filepath.Join(blocker, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	c.Do("BGSAVE")
	waitInfo(t, c, "rdb_last_bgsave_status", "err")
	misconf := "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.\r\n"
	if got := c.Do("SET", "k", "w"); got != misconf {
		t.Fatalf("SET after a failed BGSAVE: %q", got)
	}
	if got := c.Do("GET", "k"); got != "$1\r\nv\r\n" {
		t.Fatalf("GET: %q", got)
	}
	c.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
	if got := c.Do("SET", "k", "w"); got != "+OK\r\n" {
		t.Fatalf("SET with stop-writes-on-bgsave-error no: %q", got)
	}
	c.Do("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes")
	os.RemoveAll(blocker)
	c.Do("BGSAVE")
	waitInfo(t, c, "rdb_last_bgsave_status", "ok")
	if got := c.Do("SET", "k", "x"); got != "+OK\r\n" {
		t.Fatalf("SET after a good BGSAVE: %q", got)
	}
}

// TestSavePointSavesAndShutdownSaves checks that a save point starts a
// background save by itself, and that a clean stop saves the last writes.
func TestSavePointSavesAndShutdownSaves(t *testing.T) {
	bin := servertest.Build(t, ".")
	dir := t.TempDir()
	p := start(t, bin, dir, "--save", "1 2")
	c := servertest.Dial(t, p.Addr)
	c.Do("SET", "a", "1")
	c.Do("SET", "b", "2")
	waitInfo(t, c, "rdb_changes_since_last_save", "0")
	waitInfo(t, c, "rdb_saves", "1")
	c.Do("SET", "c", "3") // one change: below the point
	if code := p.Stop(t, 30*time.Second); code != 0 {
		t.Fatalf("exit %d:\n%s", code, p.Log)
	}
	p = start(t, bin, dir, "--save", "")
	c = servertest.Dial(t, p.Addr)
	if got := c.Do("MGET", "a", "b", "c"); got != "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n" {
		t.Fatalf("after restart: %q", got)
	}
}

// TestCorruptFileIsRefused flips bytes of a saved file and checks that
// the server refuses to start, naming the file and the offset.
func TestCorruptFileIsRefused(t *testing.T) {
	bin := servertest.Build(t, ".")
	dir := t.TempDir()
	p := start(t, bin, dir, "--save", "")
	c := servertest.Dial(t, p.Addr)
	c.Do("SET", "greeting", "hello world")
	c.Do("RPUSH", "list", "a", "b", "c")
	c.Do("SAVE")
	p.Stop(t, 30*time.Second)
	path := filepath.Join(dir, "dump.rdb")
	good, _ := os.ReadFile(path)
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"truncated", good[:len(good)-12], path + ": offset "},
		{"checksum", append(append([]byte{}, good[:len(good)-1]...), good[len(good)-1]^0xff), "wrong RDB checksum"},
		{"bad type", flip(good, "greeting", -1, 0x7f), `key "greeting"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile(path, tc.file, 0o644)
			p := servertest.StartProcess(t, "", bin, "--dir", dir, "--save", "")
			if code := p.ExitCode(t, 30*time.Second); code == 0 {
				t.Fatal("the server started on a corrupt file")
			}
			if !strings.Contains(p.Log.String(), tc.want) {
				t.Fatalf("log does not say %q:\n%s", tc.want, p.Log)
			}
		})
	}
}

// flip returns a copy of b with the byte at offset at from the first
// occurrence of marker set to v.
func flip(b []byte, marker string, at int, v byte) []byte {
	out := append([]byte{}, b...)
	i := strings.Index(string(out), marker)
	out[i+at-1] = v
	return out
}
