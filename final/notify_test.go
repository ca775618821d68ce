package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestKeyspaceNotificationsLikeRedis: with notify-keyspace-events on, the
// commands of every type publish the events redis-server 7.0 publishes,
// in its order, on the keyspace and keyevent channels.
func TestKeyspaceNotificationsLikeRedis(t *testing.T) {
	script := `
CONFIG SET notify-keyspace-events KEA
SET s v
SET s w EX 100
SET s x KEEPTTL
SETNX s y
SETNX s2 y
GETSET s z
MSET a 1 b 2
MSETNX c 1 d 2
INCR n
DECR n
INCRBY n 5
DECRBY n 2
INCRBYFLOAT f 1.5
APPEND s more
SETRANGE s 1 X
SETEX e 100 v
PSETEX e 100000 v
GETEX e PERSIST
GETEX e EX 50
GETDEL e
EXPIRE s 100
PEXPIRE s 100000
PERSIST s
EXPIRE nosuch 100
EXPIRE s -1
DEL a b nosuch
UNLINK c
RENAME d d2
RENAMENX d2 s9
COPY s9 s10
MOVE s10 1
SETBIT bits 7 1
BITFIELD bf SET u8 0 255
BITOP AND dest bits bf
BITOP AND dest nosuch1 nosuch2
PFADD h a b c
PFMERGE h2 h
LPUSH l a b c
RPUSH l d
LPUSHX nol a
RPOP l
LPOP l 2
LINSERT l BEFORE d x
LSET l 0 y
LREM l 1 y
LTRIM l 0 0
LMOVE l l2 LEFT RIGHT
RPOPLPUSH l2 l2
LMPOP 1 l2 RIGHT
HSET hh f 1 g 2
HSETNX hh f 3
HINCRBY hh f 2
HINCRBYFLOAT hh f 0.5
HDEL hh f g
SADD st a b c
SREM st a b
SPOP st
SADD st c
SMOVE st st2 c
SADD s1 1 2
SADD s2b 2 3
SINTERSTORE si s1 s2b
SUNIONSTORE su s1 s2b
SDIFFSTORE sd s1 s1
ZADD z 1 a 2 b 3 c
ZADD z INCR 5 a
ZINCRBY z 1 b
ZREM z c
ZPOPMIN z
ZPOPMAX z
ZADD z2 1 a 2 b 3 c 4 d
ZREMRANGEBYSCORE z2 1 1
ZREMRANGEBYRANK z2 0 0
ZREMRANGEBYLEX z2 - +
ZADD z3 1 a
ZUNIONSTORE zu 1 z3
ZINTERSTORE zi 2 z3 nosuch
ZMPOP 1 z3 MAX
GEOADD g 13.361389 38.115556 Palermo
SORT l STORE sorted
XADD x 1-1 f v
XDEL x 1-1
XTRIM x MAXLEN 0
XGROUP CREATE x grp $
XGROUP CREATECONSUMER x grp c1
XGROUP DELCONSUMER x grp c1
XGROUP SETID x grp 0
XGROUP DESTROY x grp
XSETID x 5-5
FLUSHALL
`
	var logs []string
	for _, tg := range targets(t) {
		sub, c := servertest.Dial(t, tg.addr), servertest.Dial(t, tg.addr)
		sub.Do("PSUBSCRIBE", "__key*__:*")
		s := &session{t: t}
		var b strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
			fmt.Fprintf(&b, "%s -> %q\n", line, c.Do(strings.Fields(line)...))
			for _, m := range strings.SplitAfter(s.sync(sub), "*4\r\n") {
				if m != "" {
					fmt.Fprintf(&b, "  %q\n", m)
				}
			}
		}
		logs = append(logs, b.String())
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
}

// TestKeyspaceNotificationsClassesLikeRedis: notify-keyspace-events'
// letters as CONFIG GET shows them and as they filter events, expired
// keys (found by a command and by the active cycle), evicted keys, and
// a transaction's events in its commands' order.
func TestKeyspaceNotificationsClassesLikeRedis(t *testing.T) {
	script := `
CONFIG SET notify-keyspace-events KEA
CONFIG GET notify-keyspace-events
CONFIG SET notify-keyspace-events xyz
CONFIG SET notify-keyspace-events Kx
CONFIG GET notify-keyspace-events
CONFIG SET notify-keyspace-events gKE
CONFIG GET notify-keyspace-events
CONFIG SET notify-keyspace-events nK
CONFIG GET notify-keyspace-events
SET k v
CONFIG SET notify-keyspace-events E$
SET k w
DEL k
CONFIG SET notify-keyspace-events Elg
RPUSH l a
SET k v
LPOP l
CONFIG SET notify-keyspace-events KEA
SET gone v PX 1
WAITGONE gone
MULTI
SET t1 1
LPUSH t2 a
DEL t1
EXEC
FLUSHALL
CONFIG SET maxmemory-policy allkeys-random
SET big v
CONFIG SET maxmemory 1
CONFIG SET maxmemory 0
DBSIZE
`
	var logs []string
	for _, tg := range targets(t) {
		sub, c := servertest.Dial(t, tg.addr), servertest.Dial(t, tg.addr)
		sub.Do("PSUBSCRIBE", "__key*__:*")
		s := &session{t: t}
		var b strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(script), "\n") {
			if key, ok := strings.CutPrefix(line, "WAITGONE "); ok {
				// The key expires by the active cycle or when EXISTS
				// finds it: one expired event either way, logged with
				// the wait.
				for deadline := time.Now().Add(5 * time.Second); c.Do("EXISTS", key) != ":0\r\n"; {
					if time.Now().After(deadline) {
						t.Fatalf("%s: %s did not expire", tg.name, key)
					}
				}
				line = "(waited for " + key + " to expire)"
				b.WriteString(line + "\n")
				for _, m := range strings.SplitAfter(s.sync(sub), "*4\r\n") {
					if m != "" {
						fmt.Fprintf(&b, "  %q\n", m)
					}
				}
				continue
			}
			reply := c.Do(strings.Fields(line)...)
			if line == "MULTI" || strings.HasPrefix(line, "SET t1") || strings.HasPrefix(line, "LPUSH t2") || line == "DEL t1" {
				fmt.Fprintf(&b, "%s -> %q\n", line, reply)
				continue // inside MULTI: the events come with EXEC
			}
			fmt.Fprintf(&b, "%s -> %q\n", line, reply)
			for _, m := range strings.SplitAfter(s.sync(sub), "*4\r\n") {
				if m != "" {
					fmt.Fprintf(&b, "  %q\n", m)
				}
			}
		}
		logs = append(logs, b.String())
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
}

// TestKeyspaceNotificationsOfWokenClients: a blocked pop served after
// the push that woke it announces its pop, after the push's events, as
// in Redis.
func TestKeyspaceNotificationsOfWokenClients(t *testing.T) {
	var logs []string
	for _, tg := range targets(t) {
		sub, c, blocked := servertest.Dial(t, tg.addr), servertest.Dial(t, tg.addr), servertest.Dial(t, tg.addr)
		c.Do("CONFIG", "SET", "notify-keyspace-events", "KEA")
		sub.Do("PSUBSCRIBE", "__keyevent@*")
		s := &session{t: t}
		var b strings.Builder
		for _, pop := range [][]string{{"BLPOP", "q", "0"}, {"BLMOVE", "q", "d", "RIGHT", "LEFT", "0"}, {"BZPOPMIN", "z", "0"}} {
			blocked.Send(string(servertest.Command(pop...)))
			servertest.WaitBlocked(t, c, 1)
			if pop[0] == "BZPOPMIN" {
				c.Do("ZADD", "z", "1", "a")
			} else {
				c.Do("RPUSH", "q", "a")
			}
			fmt.Fprintf(&b, "%s -> %q\n  %q\n", pop[0], blocked.ReadRaw(), s.sync(sub))
		}
		logs = append(logs, b.String())
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
}
