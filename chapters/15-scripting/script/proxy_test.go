package script

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// proxyCaller runs a script's commands on a real Redis, over a
// connection in the script's protocol, so the engine converts the very
// replies Redis's own scripts see: maps, sets, doubles, big numbers,
// verbatim strings, nulls and booleans included.
type proxyCaller struct {
	conns map[int]*servertest.Conn
}

func (p *proxyCaller) Call(args [][]byte, proto int, _ Repl) ([]byte, bool) {
	strs := make([]string, len(args))
	for i, a := range args {
		strs[i] = string(a)
	}
	return []byte(p.conns[proto].Do(strs...)), false
}

// RESP3-aware scripts over real replies of every type.
var replyScripts = []string{
	`return redis.call("hgetall", "h")`,
	`redis.setresp(3) return redis.call("hgetall", "h")`,
	`redis.setresp(3) local r = redis.call("hgetall", "h") return {type(r), type(r.map), r.map.f}`,
	`redis.setresp(3) return redis.call("smembers", "s1")`,
	`redis.setresp(3) local r = redis.call("smembers", "s1") return {type(r.set), tostring(r.set.m)}`,
	`redis.setresp(3) return redis.call("zscore", "z", "a")`,
	`redis.setresp(3) local r = redis.call("zscore", "z", "a") return tostring(r.double)`,
	`return redis.call("zscore", "z", "a")`,
	`redis.setresp(3) return redis.call("zrange", "z", 0, -1, "withscores")`,
	`redis.setresp(3) return redis.call("get", "nosuch")`,
	`redis.setresp(3) return tostring(redis.call("get", "nosuch"))`,
	`return tostring(redis.call("get", "nosuch"))`,
	`redis.setresp(3) return redis.call("exists", "h")`,
	`return redis.call("type", "h")`,
	`return redis.call("lrange", "nosuch", 0, -1)`,
	`return redis.pcall("hgetall", "s1")`,
	`return redis.call("hgetall", "s1")`,
	`return {redis.call("object", "encoding", "h"), redis.call("ttl", "h")}`,
}

func TestRealRepliesConvertAsInRedis(t *testing.T) {
	addr := servertest.StartRedis(t)
	conn := servertest.Dial(t, addr)
	for _, c := range [][]string{{"HSET", "h", "f", "v"}, {"SADD", "s1", "m"}, {"ZADD", "z", "1.5", "a", "2", "b"}} {
		conn.Do(c...)
	}
	p := &proxyCaller{conns: map[int]*servertest.Conn{}}
	for _, proto := range []int{2, 3} {
		p.conns[proto] = servertest.Dial(t, addr)
		p.conns[proto].Do("HELLO", strconv.Itoa(proto))
	}
	e := New(Options{})
	defer e.Close()
	for _, proto := range []int{2, 3} {
		client := servertest.Dial(t, addr)
		client.Do("HELLO", strconv.Itoa(proto))
		for i, body := range replyScripts {
			t.Run(fmt.Sprintf("resp%d/%d", proto, i), func(t *testing.T) {
				want := client.Do("EVAL", body, "0")
				got := string(e.Eval(&Run{Caller: p, Proto: proto}, body))
				if got != want {
					t.Errorf("script %q\n got  %q\n want %q", body, got, want)
				}
			})
		}
	}
}
