package admin

import (
	"bufio"
	"context"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

func TestConfigGetSetMatchesRedis(t *testing.T) {
	p := servertest.DialPair(t, start(t, nil), servertest.StartRedis(t))
	for _, cmd := range [][]string{
		{"CONFIG", "SET", "maxmemory", "1kb"}, {"CONFIG", "GET", "maxmemory"},
		{"CONFIG", "SET", "maxmemory", "1xb"}, {"CONFIG", "SET", "maxmemory", "-1"},
		{"CONFIG", "SET", "maxclients", "0"}, {"CONFIG", "SET", "maxclients", "500"}, {"CONFIG", "GET", "maxclients"},
		{"CONFIG", "SET", "hz", "1000"}, {"CONFIG", "GET", "hz"}, {"CONFIG", "SET", "hz", "0"}, {"CONFIG", "GET", "hz"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 2k 3"}, {"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"}, {"CONFIG", "SET", "client-output-buffer-limit", "normal 1 2"},
		{"CONFIG", "SET", "timeout", "abc"}, {"CONFIG", "SET", "timeout", "-1"}, {"CONFIG", "SET", "timeout", "7"}, {"CONFIG", "GET", "timeout"},
		{"CONFIG", "SET", "loglevel", "VERBOSE"}, {"CONFIG", "GET", "loglevel"}, {"CONFIG", "SET", "loglevel", "loud"},
		{"CONFIG", "SET", "databases", "3"}, {"CONFIG", "SET", "io-threads", "2"}, {"CONFIG", "SET", "daemonize", "no"},
		{"CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"}, {"CONFIG", "GET", "maxmemory-policy"},
		{"CONFIG", "SET", "proto-max-bulk-len", "10"}, {"CONFIG", "SET", "proto-max-bulk-len", "2mb"}, {"CONFIG", "GET", "proto-max-bulk-len"},
		{"CONFIG", "SET", "client-query-buffer-limit", "1"}, {"CONFIG", "SET", "protected-mode", "maybe"},
		{"CONFIG", "SET", "maxmemory", "2mb", "maxmemory-samples", "7"}, {"CONFIG", "GET", "maxmemory-samples"},
		{"CONFIG", "SET", "maxmemory", "3mb", "maxmemory-samples", "0"}, {"CONFIG", "GET", "maxmemory"},
		{"CONFIG", "SET", "no-such-option", "1"}, {"CONFIG", "GET", "no-such-option"},
		{"CONFIG", "SET", "requirepass", ""}, {"CONFIG", "GET", "requirepass"},
		{"CONFIG", "SET", "hz", "+10"}, {"CONFIG", "SET", "hz", "010"}, {"CONFIG", "SET", "timeout", "-0"}, {"CONFIG", "GET", "hz"},
		{"CONFIG", "SET", "maxmemory", "kb"}, {"CONFIG", "GET", "maxmemory"}, {"CONFIG", "SET", "maxmemory", "1KB"}, {"CONFIG", "GET", "maxmemory"},
	} {
		p.Same(cmd...)
	}
}

func TestConfigGetGlobReturnsEveryMatch(t *testing.T) {
	c := servertest.Dial(t, start(t, nil))
	got := c.Do("CONFIG", "GET", "maxmemory*")
	for _, name := range []string{"maxmemory", "maxmemory-policy", "maxmemory-samples"} {
		if !strings.Contains(got, "$"+strconv.Itoa(len(name))+"\r\n"+name+"\r\n") {
			t.Errorf("CONFIG GET maxmemory* lacks %s: %q", name, got)
		}
	}
	if !strings.HasPrefix(got, "*6\r\n") {
		t.Errorf("want 3 pairs, got %q", got)
	}
}

func TestConnectionCommandsMatchRedis(t *testing.T) {
	p := servertest.DialPair(t, start(t, nil), servertest.StartRedis(t))
	for _, cmd := range [][]string{
		{"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME", "foo"}, {"CLIENT", "GETNAME"}, {"CLIENT", "SETNAME", "a b"},
		{"CLIENT", "SETNAME"}, {"CLIENT", "FOO"}, {"CLIENT", "LIST", "TYPE", "bogus"}, {"CLIENT", "LIST", "ID", "abc"},
		{"CLIENT", "LIST", "ID", "99999"}, {"CLIENT", "LIST", "x"},
		{"CLIENT", "KILL", "1.2.3.4:5"}, {"CLIENT", "KILL", "ID", "0"}, {"CLIENT", "KILL", "ID", "99999"},
		{"CLIENT", "KILL", "TYPE", "foo"}, {"CLIENT", "KILL", "ADDR", "x", "SKIPME", "maybe"}, {"CLIENT", "KILL", "USER", "nobody"},
		{"CLIENT", "KILL", "ADDR"}, {"CLIENT", "KILL", "TYPE", "pubsub"}, {"CLIENT", "KILL", "ID", "1", "bogus", "x"},
		{"CLIENT", "NO-EVICT", "maybe"}, {"CLIENT", "NO-EVICT", "on"}, {"CLIENT", "NO-EVICT", "off"},
		{"CLIENT", "REPLY", "maybe"}, {"CLIENT", "PAUSE", "abc"}, {"CLIENT", "PAUSE", "-1"}, {"CLIENT", "PAUSE", "10", "FOO"},
		{"CLIENT", "UNPAUSE"}, {"CLIENT", "PAUSE", "+0"}, {"CLIENT", "PAUSE", "00"}, {"CLIENT", "LIST", "ID", "+1"},
		{"CLIENT", "LIST", "ID", "01"}, {"CLIENT", "KILL", "ID", "+99"}, {"CLIENT", "UNBLOCK", "01"},
		{"SHUTDOWN", "ABORT"}, {"SHUTDOWN", "FOO"}, {"SHUTDOWN", "SAVE", "NOSAVE"}, {"SHUTDOWN", "NOW", "ABORT"},
		{"RESET"}, {"CLIENT", "GETNAME"}, {"TIME", "x"},
	} {
		p.Same(cmd...)
	}
	p.SameRaw("CLIENT REPLY SKIP\r\nPING\r\nECHO x\r\n", 1)
	p.SameRaw("CLIENT REPLY OFF\r\nPING\r\nECHO y\r\nCLIENT REPLY ON\r\nECHO z\r\n", 2)
	p.SameRaw("FOO\r\nCLIENT BAR\r\nINFO errorstats\r\n", 3)
	p.SameRaw("HELLO 2\r\nRESET\r\nPING\r\n", 0)
	p.Go.ReadRaw()
	p.Redis.ReadRaw()
	p.SameRaw("", 2)
}

// TestHelpRepliesHaveRedisFrame compares the first line and the closing
// HELP lines of CLIENT HELP and DEBUG HELP with Redis's (the lists between
// them name only the subcommands gocache has).
func TestHelpRepliesHaveRedisFrame(t *testing.T) {
	p := servertest.DialPair(t, start(t, nil), servertest.StartRedis(t, "--enable-debug-command", "local"))
	frame := func(raw string) string {
		lines := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
		if len(lines) < 4 {
			return raw
		}
		return strings.Join([]string{lines[1], lines[len(lines)-2], lines[len(lines)-1]}, "|")
	}
	for _, cmd := range [][]string{{"CLIENT", "HELP"}, {"client", "help"}, {"DEBUG", "HELP"}} {
		got, want := p.Go.Do(cmd...), p.Redis.Do(cmd...)
		if frame(got) != frame(want) {
			t.Errorf("%q: gocache %q, redis %q", cmd, frame(got), frame(want))
		}
	}
}

// TestClientListFieldsMatchRedis compares CLIENT LIST and CLIENT INFO
// field names and order with Redis's, and the values that do not depend
// on the server.
func TestClientListFieldsMatchRedis(t *testing.T) {
	goAddr, redisAddr := start(t, nil), servertest.StartRedis(t)
	// age and idle are whole seconds of the server's clock, so they read
	// 0 or 1 (or more on a loaded machine) for a connection a moment old:
	// each server's figure must be a count of seconds no larger than the
	// time the test spent on that connection, rounded up to cover a
	// second boundary crossed on the way.
	inSeconds := func(cmd, who, k, v string, spent time.Duration) {
		n, err := strconv.Atoi(v)
		if limit := int(spent/time.Second) + 1; err != nil || n < 0 || n > limit {
			t.Errorf("%s %s: %s %q, want seconds in [0, %d]", cmd, k, who, v, limit)
		}
	}
	fields := func(addr, cmd string) ([]string, map[string]string, time.Duration) {
		dialed := time.Now()
		c := servertest.Dial(t, addr)
		c.Do("CLIENT", "SETNAME", "probe")
		raw := c.Do(strings.Fields(cmd)...)
		spent := time.Since(dialed)
		body := raw[strings.Index(raw, "\r\n")+2 : len(raw)-2]
		if !strings.HasSuffix(body, "\n") {
			t.Fatalf("%s: line must end in a newline: %q", cmd, body)
		}
		var names []string
		vals := map[string]string{}
		for _, f := range strings.Fields(body) {
			k, v, _ := strings.Cut(f, "=")
			names = append(names, k)
			vals[k] = v
		}
		return names, vals, spent
	}
	for _, cmd := range []string{"CLIENT LIST", "CLIENT INFO"} {
		gn, gv, gspent := fields(goAddr, cmd)
		rn, rv, rspent := fields(redisAddr, cmd)
		if strings.Join(gn, " ") != strings.Join(rn, " ") {
			t.Errorf("%s fields:\n gocache: %v\n   redis: %v", cmd, gn, rn)
		}
		for _, k := range []string{"age", "idle"} {
			inSeconds(cmd, "gocache", k, gv[k], gspent)
			inSeconds(cmd, "redis", k, rv[k], rspent)
		}
		for _, k := range []string{"name", "flags", "db", "sub", "psub", "multi", "argv-mem", "events", "cmd", "user", "redir", "resp"} {
			if gv[k] != rv[k] {
				t.Errorf("%s %s: gocache %q, redis %q", cmd, k, gv[k], rv[k])
			}
		}
	}
}

func TestGoRedisParsesClientAndInfo(t *testing.T) {
	addr := start(t, nil)
	for _, proto := range []int{2, 3} {
		ctx := context.Background()
		rdb := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, ClientName: "gr"})
		defer rdb.Close()
		info, err := rdb.ClientInfo(ctx).Result()
		if err != nil {
			t.Fatalf("RESP%d CLIENT INFO: %v", proto, err)
		}
		if info.Name != "gr" || info.Resp != proto || info.LibName == "x" {
			t.Errorf("RESP%d client info: %+v", proto, info)
		}
		id, err := rdb.ClientID(ctx).Result()
		if err != nil || id != info.ID {
			t.Errorf("RESP%d CLIENT ID %d, %v; CLIENT INFO id %d", proto, id, err, info.ID)
		}
		list, err := rdb.ClientList(ctx).Result()
		if err != nil || !strings.Contains(list, "name=gr ") {
			t.Errorf("RESP%d CLIENT LIST %q, %v", proto, list, err)
		}
		text, err := rdb.Info(ctx, "server", "clients", "memory", "replication", "cpu").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"redis_version:7.0.15", "connected_clients:", "used_memory:", "used_memory_rss:", "maxmemory_policy:noeviction", "mem_fragmentation_ratio:", "role:master", "connected_slaves:0", "used_cpu_sys:"} {
			if !strings.Contains(text, "\r\n"+key) {
				t.Errorf("RESP%d INFO lacks %q", proto, key)
			}
		}
		tm, err := rdb.Time(ctx).Result()
		if err != nil || time.Since(tm).Abs() > time.Minute {
			t.Errorf("RESP%d TIME %v %v", proto, tm, err)
		}
		if v, err := rdb.ConfigGet(ctx, "maxclients").Result(); err != nil || v["maxclients"] != "10000" {
			t.Errorf("RESP%d CONFIG GET maxclients: %v %v", proto, v, err)
		}
	}
}

func TestInfoSectionsInRedisOrder(t *testing.T) {
	c := servertest.Dial(t, start(t, nil))
	raw := c.Do("INFO")
	var titles []string
	for _, line := range strings.Split(raw, "\r\n") {
		if strings.HasPrefix(line, "# ") {
			titles = append(titles, line[2:])
		}
	}
	if got := strings.Join(titles, ","); got != "Server,Clients,Memory,Stats,Replication,CPU,Errorstats,Keyspace" {
		t.Errorf("INFO sections: %s", got)
	}
}

func TestClientKillClosesTheClient(t *testing.T) {
	addr := start(t, nil)
	admin := servertest.Dial(t, addr)
	victim := servertest.Dial(t, addr)
	id := strings.TrimSpace(victim.Do("CLIENT", "ID")[1:])
	if got := admin.Do("CLIENT", "KILL", "ID", id); got != ":1\r\n" {
		t.Fatalf("CLIENT KILL ID: %q", got)
	}
	victim.ReadEOF()
	// The old form, by address.
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.Write([]byte("PING\r\n"))
	br := bufio.NewReader(raw)
	br.ReadString('\n')
	if got := admin.Do("CLIENT", "KILL", raw.LocalAddr().String()); got != "+OK\r\n" {
		t.Fatalf("CLIENT KILL addr: %q", got)
	}
	raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := br.ReadByte(); err == nil {
		t.Error("killed client still open")
	}
	// Killing oneself with SKIPME no: the reply arrives, then the close.
	if got := admin.Do("CLIENT", "KILL", "ID", strings.TrimSpace(admin.Do("CLIENT", "ID")[1:]), "SKIPME", "no"); got != ":1\r\n" {
		t.Errorf("self kill: %q", got)
	}
	admin.ReadEOF()
}

func TestProtectedModeDeniesRemotePeers(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		local bool
	}{{"127.0.0.1:5", true}, {"127.9.9.9:5", true}, {"[::1]:5", true}, {"[::ffff:127.0.0.1]:5", true},
		{"10.0.0.1:5", false}, {"[2001:db8::1]:5", false}, {"garbage", false}} {
		if IsLocal(tc.addr) != tc.local {
			t.Errorf("IsLocal(%s) != %v", tc.addr, tc.local)
		}
	}
	if !Protected(true, "", false) || Protected(true, "pw", false) || Protected(false, "", false) || Protected(true, "", true) {
		t.Error("Protected decides wrong")
	}
	remote := func(a *Admin) { a.IsLocal = func(string) bool { return false } }
	c := servertest.Dial(t, start(t, remote))
	if got := c.ReadEOF(); got != "-"+DeniedMessage+"\r\n" {
		t.Errorf("got %q", got)
	}
	// With a password the same peer may connect (and must AUTH).
	c = servertest.Dial(t, start(t, remote, "requirepass", "pw"))
	if got := c.Do("PING"); got != "-NOAUTH Authentication required.\r\n" {
		t.Errorf("got %q", got)
	}
	c = servertest.Dial(t, start(t, remote, "protected-mode", "no"))
	if got := c.Do("PING"); got != "+PONG\r\n" {
		t.Errorf("got %q", got)
	}
	// The text is Redis's own: it is in the redis-server binary.
	if bin := servertest.RedisPath(); bin != "" {
		if data, err := os.ReadFile(bin); err == nil && !strings.Contains(string(data), "-"+DeniedMessage+"\r\n") {
			t.Error("DeniedMessage differs from the one in redis-server")
		}
	}
}

func TestAuthFlowsMatchRedis(t *testing.T) {
	goAddr, redisAddr := start(t, nil, "requirepass", "secret"), servertest.StartRedis(t, "--requirepass", "secret")
	p := servertest.DialPair(t, goAddr, redisAddr)
	for _, cmd := range [][]string{
		{"PING"}, {"CLIENT", "ID"}, {"HELLO", "3"}, {"AUTH", "wrong"}, {"AUTH", "default", "wrong"},
		{"HELLO", "2", "AUTH", "default", "wrong"}, {"AUTH", "secret"}, {"PING"}, {"RESET"}, {"PING"}, {"AUTH", "default", "secret"}, {"ECHO", "x"},
	} {
		p.Same(cmd...)
	}
	// Before AUTH the parser's limits are tighter, as in Redis.
	p = servertest.DialPair(t, goAddr, redisAddr)
	p.SameRaw("*20\r\n", 1)
	if g, r := p.Go.ReadEOF(), p.Redis.ReadEOF(); g != r {
		t.Errorf("after the error: %q vs %q", g, r)
	}
	p = servertest.DialPair(t, goAddr, redisAddr)
	p.SameRaw("*2\r\n$4\r\nECHO\r\n$20000\r\n", 1)
}

func TestMaxClientsMatchesRedis(t *testing.T) {
	goAddr, redisAddr := start(t, nil, "maxclients", "2"), servertest.StartRedis(t, "--maxclients", "2")
	for _, addr := range []string{goAddr, redisAddr} {
		a, b := servertest.Dial(t, addr), servertest.Dial(t, addr)
		a.Do("PING")
		b.Do("PING")
		third := servertest.Dial(t, addr)
		if got := third.ReadEOF(); got != "-ERR max number of clients reached\r\n" {
			t.Errorf("%s: third client got %q", addr, got)
		}
	}
}

func TestIdleClientsAreClosed(t *testing.T) {
	addr := start(t, nil, "timeout", "1")
	idle := servertest.Dial(t, addr)
	idle.Do("PING")
	monitor := servertest.Dial(t, addr)
	monitor.Do("MONITOR")
	start := time.Now()
	idle.ReadEOF() // within ReadEOF's 10 s deadline
	if time.Since(start) < 900*time.Millisecond {
		t.Errorf("closed after %v, before the timeout", time.Since(start))
	}
	// MONITOR clients are exempt, as in Redis.
	c := servertest.Dial(t, addr)
	if got := c.Do("CLIENT", "LIST"); !strings.Contains(got, "flags=O ") {
		t.Errorf("monitor client gone: %q", got)
	}
}

// TestNonReaderIsCutAtOutputLimit: a client that sends commands but never
// reads replies is closed once its unsent output passes the hard limit,
// instead of growing the server's memory.
func TestNonReaderIsCutAtOutputLimit(t *testing.T) {
	addr := start(t, nil, "client-output-buffer-limit", "normal 512kb 0 0")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	big := servertest.Command("ECHO", strings.Repeat("x", 64<<10))
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn.SetWriteDeadline(time.Now().Add(20 * time.Second))
		for i := 0; i < 2000; i++ { // 128 MB at most
			if _, err := conn.Write(big); err != nil {
				return
			}
		}
	}()
	admin := servertest.Dial(t, addr)
	deadline := time.Now().Add(20 * time.Second)
	for {
		list := admin.Do("CLIENT", "LIST")
		if strings.Count(list, "id=") == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the non-reading client was not closed: %q", list)
		}
		time.Sleep(20 * time.Millisecond) // polling interval
	}
	conn.Close()
	<-done
}

var monitorLine = regexp.MustCompile(`^\+\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] (.*)\r\n$`)

func TestMonitorMatchesRedis(t *testing.T) {
	for _, addr := range []string{start(t, nil, "requirepass", "pw"), servertest.StartRedis(t, "--requirepass", "pw")} {
		m := servertest.Dial(t, addr)
		m.Do("AUTH", "pw")
		if got := m.Do("MONITOR"); got != "+OK\r\n" {
			t.Fatalf("MONITOR: %q", got)
		}
		c := servertest.Dial(t, addr)
		c.Do("AUTH", "pw")
		c.Do("ECHO", "a \"b\"\n\x01\\")
		c.Do("CONFIG", "GET", "maxmemory") // admin: not shown
		c.Do("HELLO", "2", "AUTH", "default", "pw")
		c.Do("PING")
		var got []string
		for i := 0; i < 4; i++ {
			line := m.ReadRaw()
			sub := monitorLine.FindStringSubmatch(line)
			if sub == nil {
				t.Fatalf("%s: bad monitor line %q", addr, line)
			}
			got = append(got, sub[1])
		}
		want := []string{`"AUTH" "(redacted)"`, `"ECHO" "a \"b\"\n\x01\\"`, `"HELLO" "2" "AUTH" "(redacted)" "(redacted)"`, `"PING"`}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", addr, got, want)
		}
	}
}

func TestClientPauseWriteHoldsOnlyWrites(t *testing.T) {
	addr := start(t, nil)
	admin, c := servertest.Dial(t, addr), servertest.Dial(t, addr)
	if got := admin.Do("CLIENT", "PAUSE", "300", "WRITE"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	begin := time.Now()
	if got := c.Do("PING"); got != "+PONG\r\n" || time.Since(begin) > 250*time.Millisecond {
		t.Errorf("a read waited: %q after %v", got, time.Since(begin))
	}
	if got := c.Do("SETX"); got != "+OK\r\n" || time.Since(begin) < 200*time.Millisecond {
		t.Errorf("a write did not wait: %q after %v", got, time.Since(begin))
	}
	// ALL holds every command, even from the client that paused.
	admin.Do("CLIENT", "PAUSE", "300", "ALL")
	begin = time.Now()
	if got := c.Do("PING"); got != "+PONG\r\n" || time.Since(begin) < 200*time.Millisecond {
		t.Errorf("a read did not wait: %q after %v", got, time.Since(begin))
	}
}
