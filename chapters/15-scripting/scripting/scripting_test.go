package scripting_test

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/15-scripting/scripting"
)

// start runs chapter 15's layers (the cache and scripting) with a
// busy-reply-threshold of busy, and records what they propagate.
func start(t *testing.T, busy time.Duration) (*server.Server, *servertest.Recorder) {
	var rec *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		cache.Register(s)
		scripting.Register(s, scripting.Config{BusyReplyThreshold: busy})
		rec = servertest.RecordPropagated(s)
	})
	return s, rec
}

// scriptSequences are compared with redis-server in RESP2 and RESP3: the
// conversions both ways, errors raised by redis.call and returned by
// redis.pcall, error_reply and status_reply, cjson, setresp, the script
// cache, the read-only rules and functions.
var scriptSequences = [][][]string{
	{{"SCRIPT", "FLUSH"},
		{"EVAL", "return {1, 2.9, -3.5, 'x', true, false, nil, 7}", "0"},
		{"EVAL", "return {{1, {2, {3}}}, {}, ''}", "0"},
		{"EVAL", "return {err='ERR my error'}", "0"},
		{"EVAL", "return {err='NOCODE'}", "0"},
		{"EVAL", "return redis.error_reply('MY error')", "0"},
		{"EVAL", "return redis.status_reply('FINE')", "0"},
		{"EVAL", "return {ok='status', 1}", "0"},
		{"EVAL", "return {double=3.25}", "0"},
		{"EVAL", "return {big_number='1234567890123456789012345'}", "0"},
		{"EVAL", "return {map={a=1}}", "0"},
		{"EVAL", "return {set={x=true}}", "0"},
		{"EVAL", "return {verbatim_string={format='txt', string='hi'}}", "0"},
		{"EVAL", "return 1e300", "0"},
		{"EVAL", "return tostring(0.1) .. ' ' .. tostring(1e100)", "0"}},
	{{"SET", "n", "10"}, {"MSET", "l1", "a", "l2", "b"}, {"SET", "s", "text"},
		{"EVAL", "return redis.call('incr', KEYS[1])", "1", "n"},
		{"EVAL", "return redis.call('incr', KEYS[1])", "1", "s"},
		{"EVAL", "return redis.pcall('incr', KEYS[1])", "1", "s"},
		{"EVAL", "local r = redis.pcall('incr', KEYS[1]) return type(r) .. ' ' .. r.err", "1", "s"},
		{"EVAL", "return redis.call('nosuch')", "0"},
		{"EVAL", "return redis.pcall('nosuch')", "0"},
		{"EVAL", "return redis.call('get')", "0"},
		{"EVAL", "return redis.call('eval', 'return 1', '0')", "0"},
		{"EVAL", "return redis.call('script', 'nosuch')", "0"},
		{"EVAL", "return redis.call()", "0"},
		{"EVAL", "return redis.call({})", "0"},
		{"EVAL", "return redis.call('get', KEYS[1]), 'ignored'", "1", "s"},
		{"EVAL", "return redis.call('mget', KEYS[1], KEYS[2], 'nosuch')", "2", "l1", "l2"},
		{"EVAL", "return redis.call('get', 'nosuch')", "0"},
		{"EVAL", "return redis.call('set', 'k', 1.5)", "0"},
		{"GET", "k"},
		{"EVAL", "return redis.call('set', 'k', 3)", "0"},
		{"GET", "k"}},
	{{"SET", "k", "v"},
		{"EVAL", "redis.setresp(3) return redis.call('get', 'nosuch')", "0"},
		{"EVAL", "redis.setresp(3) return {redis.call('exists', 'k') == 1, redis.call('get', 'k')}", "0"},
		{"EVAL", "redis.setresp(3) local t = redis.call('hello', '3') return t.map.proto", "0"},
		{"EVAL", "redis.setresp(4)", "0"},
		{"EVAL", "return nosuch", "0"},
		{"EVAL", "x = 1", "0"},
		{"EVAL", "error('plain')", "0"},
		{"EVAL", "error({err='TABLE error'})", "0"},
		{"EVAL", "return cjson.encode({1, 'x', {true}})", "0"},
		{"EVAL", "return cjson.decode('[1,2,[3]]')", "0"},
		{"EVAL", "return redis.sha1hex('')", "0"},
		{"EVAL", "return 1 +", "0"},
		{"EVAL", "return 1", "x"},
		{"EVAL", "return 1", "-1"},
		{"EVAL", "return 1", "2", "a"},
		{"EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "a", "b", "c"}},
	{{"SCRIPT", "FLUSH"},
		{"SCRIPT", "LOAD", "return 'loaded'"},
		{"SCRIPT", "EXISTS", "4c28a6bd6ac0cfa4b9e3a5dd1ee1fe5e8d2a84ee", "ffffffffffffffffffffffffffffffffffffffff"},
		{"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"},
		{"EVALSHA", "short", "0"},
		{"SCRIPT", "LOAD", "return +"},
		{"SCRIPT", "FLUSH", "NOW"},
		{"SCRIPT", "KILL"},
		{"EVAL_RO", "return redis.call('set', 'k', 'v')", "0"},
		{"EVAL_RO", "return redis.call('get', 'k')", "0"},
		{"EVAL", "#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')", "0"},
		{"EVAL_RO", "#!lua\nreturn 1", "0"},
		{"EVAL", "#!lua flags=nosuch\nreturn 1", "0"},
		{"EVAL", "#!python\nreturn 1", "0"},
		{"EVAL", "redis.call('select', '1') redis.call('set', 'x', 'in 1') return redis.call('get', 'x')", "0"},
		{"GET", "x"},
		{"SELECT", "1"}, {"GET", "x"}, {"SELECT", "0"}},
	{{"FUNCTION", "FLUSH"},
		{"FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)"},
		{"FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() end)"},
		{"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f', function() end)"},
		{"FUNCTION", "LOAD", "#!lua name=ro\nredis.register_function{function_name='g', callback=function(keys) return redis.call('set', keys[1], 'x') end, flags={'no-writes'}}"},
		{"FCALL", "f", "1", "n", "5"},
		{"FCALL", "f", "1", "n", "x"},
		{"FCALL_RO", "f", "1", "n", "5"},
		{"FCALL", "g", "1", "n"},
		{"FCALL", "nosuch", "0"},
		{"FCALL", "f", "x"},
		{"FUNCTION", "LIST", "LIBRARYNAME", "li*", "WITHCODE"},
		{"FUNCTION", "STATS"},
		{"FUNCTION", "KILL"},
		{"FUNCTION", "DELETE", "nosuch"},
		{"FUNCTION", "RESTORE", "bad"},
		{"FUNCTION", "DELETE", "lib"},
		{"FUNCTION", "DELETE", "ro"},
		{"FUNCTION", "LIST"}},
}

func TestScriptRepliesMatchRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := start(t, 5*time.Second)
	servertest.DialPair(t, servertest.Addr(s), redisAddr).SameSequences(scriptSequences)
}

// TestFunctionDumpRestoresInRedis moves a library from gocache to Redis
// and back with FUNCTION DUMP and RESTORE.
func TestFunctionDumpRestoresInRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s, _ := start(t, 5*time.Second)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	p.Same("FUNCTION", "FLUSH")
	lib := "#!lua name=moved\nredis.register_function('moved', function() return 'here' end)"
	p.Go.Do("FUNCTION", "LOAD", lib)
	dump, _, err := resp.ParseValue([]byte(p.Go.Do("FUNCTION", "DUMP")))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Redis.Do("FUNCTION", "RESTORE", string(dump.Str)); got != "+OK\r\n" {
		t.Fatalf("Redis restoring gocache's dump: %q", got)
	}
	p.Same("FCALL", "moved", "0")
	back, _, _ := resp.ParseValue([]byte(p.Redis.Do("FUNCTION", "DUMP")))
	p.Go.Do("FUNCTION", "FLUSH")
	if got := p.Go.Do("FUNCTION", "RESTORE", string(back.Str)); got != "+OK\r\n" {
		t.Fatalf("gocache restoring Redis's dump: %q", got)
	}
	p.Same("FCALL", "moved", "0")
	p.Same("FUNCTION", "RESTORE", string(back.Str))
	p.Same("FUNCTION", "RESTORE", string(back.Str), "REPLACE")
	p.Same("FUNCTION", "RESTORE", string(back.Str), "nosuch")
}

// TestScriptEffectsArePropagated: the AOF gets the commands a script
// wrote, not the script; several in MULTI/EXEC, reads nothing.
func TestScriptEffectsArePropagated(t *testing.T) {
	s, rec := start(t, 5*time.Second)
	c := servertest.Dial(t, servertest.Addr(s))
	steps := []struct {
		args []string
		want []string
	}{
		{[]string{"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"}, []string{"0: set k v"}},
		{[]string{"EVAL", "redis.call('incr', 'n') redis.call('get', 'n') return redis.call('incrby', 'n', 2)", "0"},
			[]string{"0: MULTI", "0: incr n", "0: incrby n 2", "0: EXEC"}},
		{[]string{"EVAL", "return redis.call('get', 'k')", "0"}, nil},
		// The INCR fails and raises: the SET stays, alone.
		{[]string{"EVAL", "redis.call('set', 'a', '1') return redis.call('incr', 'k')", "0"}, []string{"0: set a 1"}},
		{[]string{"EVAL", "redis.call('select', 2) return redis.call('set', 'in2', 'x')", "0"}, []string{"2: set in2 x"}},
		{[]string{"EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'quiet', '1') redis.set_repl(redis.REPL_ALL) return redis.call('set', 'loud', '1')", "0"},
			[]string{"0: MULTI", "0: set loud 1", "0: EXEC"}},
		{[]string{"FUNCTION", "LOAD", "#!lua name=l\nredis.register_function('w', function(k) return redis.call('del', k[1]) end)"},
			[]string{"0: FUNCTION LOAD #!lua name=l\nredis.register_function('w', function(k) return redis.call('del', k[1]) end)"}},
		{[]string{"FCALL", "w", "1", "a"}, []string{"0: del a"}},
		{[]string{"FCALL", "w", "1", "a"}, nil},
		{[]string{"SCRIPT", "LOAD", "return 1"}, nil},
		{[]string{"FUNCTION", "DELETE", "l"}, []string{"0: FUNCTION DELETE l"}},
	}
	for _, st := range steps {
		c.Do(st.args...)
		servertest.ExpectPropagated(t, rec, st.want...)
	}
	if got := c.Do("GET", "quiet"); got != "$1\r\n1\r\n" {
		t.Errorf("a write with REPL_NONE is still applied: GET quiet = %q", got)
	}
}

// rawConn is a connection a goroutine other than the test's may use: it
// reports errors instead of failing the test.
type rawConn struct {
	nc net.Conn
	r  *resp.ReplyReader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawConn{nc: nc, r: resp.NewReplyReader(bufio.NewReader(nc))}
}

func (c *rawConn) do(args ...string) (string, error) {
	c.nc.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.nc.Write(servertest.Command(args...)); err != nil {
		return "", err
	}
	v, err := c.r.Read()
	if err != nil {
		return "", err
	}
	return servertest.Text(v), nil
}

// async sends a command on its own connection and delivers the reply.
func async(t *testing.T, addr string, args ...string) <-chan string {
	c := dialRaw(t, addr)
	out := make(chan string, 1)
	go func() {
		v, err := c.do(args...)
		if err != nil {
			v = "read error: " + err.Error()
		}
		out <- v
	}()
	return out
}

// pollUntil sends args until the reply is want, or fails after 10 s.
func pollUntil(t *testing.T, c *servertest.Conn, want string, args ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := c.Do(args...)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q still answers %q, want %q", args, got, want)
		}
	}
}

const (
	busyEval = "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
	busyFunc = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n"
)

func wait(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("no reply within 20s")
		return ""
	}
}

// TestBusyScriptAnswersBusyAndDiesWithScriptKill: a script that loops
// forever makes other clients get -BUSY once it passes the threshold,
// and SCRIPT KILL from one of them stops it; the server goes on.
func TestBusyScriptAnswersBusyAndDiesWithScriptKill(t *testing.T) {
	s, _ := start(t, 50*time.Millisecond)
	addr := servertest.Addr(s)
	other := servertest.Dial(t, addr)
	other.Do("SET", "k", "before")
	start := time.Now()
	reply := async(t, addr, "EVAL", "redis.call('get', 'k') while true do end", "0")
	pollUntil(t, other, busyEval, "GET", "k")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("-BUSY after %v, before the 50ms threshold", d)
	}
	if got := other.Do("FUNCTION", "KILL"); got != busyEval {
		t.Errorf("FUNCTION KILL of a script: %q", got)
	}
	if got := other.Do("PING"); got != busyEval {
		t.Errorf("PING while busy: %q", got)
	}
	if got := servertest.Dial(t, addr).Do("GET", "k"); got != busyEval {
		t.Errorf("a new connection while busy: %q", got)
	}
	if got := other.Do("SCRIPT", "KILL"); got != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", got)
	}
	got := wait(t, reply)
	if !strings.HasPrefix(got, "(error) ERR Script killed by user with SCRIPT KILL... script: ") {
		t.Errorf("the killed script answered %q", got)
	}
	if got := other.Do("GET", "k"); got != "$6\r\nbefore\r\n" {
		t.Errorf("after the kill: %q", got)
	}
	if got := other.Do("SCRIPT", "KILL"); got != "-NOTBUSY No scripts in execution right now.\r\n" {
		t.Errorf("SCRIPT KILL with nothing running: %q", got)
	}
}

// TestScriptThatWroteCannotBeKilled: once a script has written, SCRIPT
// KILL answers -UNKILLABLE and the script runs to its end, after which
// its writes are there.
func TestScriptThatWroteCannotBeKilled(t *testing.T) {
	s, rec := start(t, 50*time.Millisecond)
	addr := servertest.Addr(s)
	other := servertest.Dial(t, addr)
	// Three hundred thousand reads take far longer than the 50 ms threshold, and the
	// script still ends by itself.
	reply := async(t, addr, "EVAL", "redis.call('set', 'w', '1') for i = 1, 300000 do redis.call('exists', 'w') end return redis.call('incr', 'w')", "0")
	pollUntil(t, other, busyEval, "GET", "w")
	if got := other.Do("SCRIPT", "KILL"); !strings.HasPrefix(got, "-UNKILLABLE Sorry the script already executed write commands") {
		t.Errorf("SCRIPT KILL after a write: %q", got)
	}
	if got := wait(t, reply); got != "2" {
		t.Errorf("the script answered %q, want 2", got)
	}
	if got := other.Do("GET", "w"); got != "$1\r\n2\r\n" {
		t.Errorf("GET w after the script: %q", got)
	}
	servertest.ExpectPropagated(t, rec, "0: MULTI", "0: set w 1", "0: incr w", "0: EXEC")
}

// TestBusyFunctionDiesWithFunctionKill: the same for FCALL, with
// FUNCTION STATS naming the running function.
func TestBusyFunctionDiesWithFunctionKill(t *testing.T) {
	s, _ := start(t, 50*time.Millisecond)
	addr := servertest.Addr(s)
	other := servertest.Dial(t, addr)
	other.Do("FUNCTION", "LOAD", "#!lua name=spin\nredis.register_function('spin', function() while true do end end)")
	reply := async(t, addr, "FCALL", "spin", "0")
	pollUntil(t, other, busyFunc, "GET", "k")
	stats := other.Do("FUNCTION", "STATS")
	if !strings.Contains(stats, "$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*3\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n0\r\n") {
		t.Errorf("FUNCTION STATS while spin runs: %q", stats)
	}
	if got := other.Do("SCRIPT", "KILL"); got != busyFunc {
		t.Errorf("SCRIPT KILL of a function: %q", got)
	}
	if got := other.Do("FUNCTION", "KILL"); got != "+OK\r\n" {
		t.Fatalf("FUNCTION KILL: %q", got)
	}
	if got := wait(t, reply); !strings.HasPrefix(got, "(error) ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.") {
		t.Errorf("the killed function answered %q", got)
	}
	if got := other.Do("PING"); got != "+PONG\r\n" {
		t.Errorf("after the kill: %q", got)
	}
}

// TestBusyScriptServesMultiAndDoomsIt: commands refused while busy doom
// a transaction, as Redis's rejectCommand does.
func TestBusyScriptDoomsATransaction(t *testing.T) {
	s, _ := start(t, 20*time.Millisecond)
	addr := servertest.Addr(s)
	other := servertest.Dial(t, addr)
	reply := async(t, addr, "EVAL", "while true do end", "0")
	pollUntil(t, other, busyEval, "GET", "k")
	if got := other.Do("HELLO", "3", "SETNAME", "x"); !strings.HasPrefix(got, "%7\r\n") {
		t.Errorf("HELLO while busy: %q", got)
	}
	other.Do("SCRIPT", "KILL")
	wait(t, reply)
}
