package db_test

import (
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/chapters/11-eviction/evict"
)

// scanAll runs one SCAN step and returns the next cursor and the keys.
func scanStep(t *testing.T, c *servertest.Conn, cursor string) (string, []string) {
	t.Helper()
	raw := c.Do("SCAN", cursor, "COUNT", "10")
	v, _, err := resp.ParseValue([]byte(raw))
	if err != nil || len(v.Elems) != 2 {
		t.Fatalf("SCAN replied %q", raw)
	}
	var keys []string
	for _, e := range v.Elems[1].Elems {
		keys = append(keys, string(e.Str))
	}
	return string(v.Elems[0].Str), keys
}

// TestScanGuarantee checks Redis's SCAN promise while the table doubles
// and halves between calls: every key present from the start to the end
// of a full iteration is returned at least once.
func TestScanGuarantee(t *testing.T) {
	s, _ := start(t)
	c := servertest.Dial(t, servertest.Addr(s))
	const stable, transient = 300, 3000
	mset := func(prefix string, from, to int) {
		args := []string{"MSET"}
		for i := from; i < to; i++ {
			args = append(args, prefix+strconv.Itoa(i), "v")
		}
		if got := c.Do(args...); got != "+OK\r\n" {
			t.Fatalf("MSET: %q", got)
		}
	}
	del := func(prefix string, from, to int) {
		args := []string{"DEL"}
		for i := from; i < to; i++ {
			args = append(args, prefix+strconv.Itoa(i))
		}
		c.Do(args...)
	}
	for round, phase := range []string{"grow", "shrink", "grow and shrink"} {
		c.Do("FLUSHALL")
		mset("stable:", 0, stable)
		if phase != "grow" {
			mset("t:", 0, transient)
		}
		seen := map[string]bool{}
		cursor, step := "0", 0
		for {
			var keys []string
			cursor, keys = scanStep(t, c, cursor)
			for _, k := range keys {
				seen[k] = true
			}
			if cursor == "0" {
				break
			}
			step++
			if step > 10000 {
				t.Fatalf("%s: SCAN did not finish", phase)
			}
			switch {
			case phase == "grow" && step*100 < transient:
				mset("t:", step*100, step*100+100)
			case phase == "shrink" && step*300 <= transient:
				del("t:", step*300-300, step*300)
			case phase == "grow and shrink" && step > 60:
			case phase == "grow and shrink" && step%2 == 0:
				del("t:", (step-2)*100, step*100)
			case phase == "grow and shrink":
				mset("n:", step*200, step*200+200)
			}
		}
		missing := 0
		for i := 0; i < stable; i++ {
			if !seen["stable:"+strconv.Itoa(i)] {
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("round %d (%s): %d of %d keys present throughout were not returned", round, phase, missing, stable)
		}
	}
}

// TestDatabasesAreIsolated: sixteen databases, each with its own keys,
// and SWAPDB seen at once by a client that selected one of them.
func TestDatabasesAreIsolated(t *testing.T) {
	s, _ := start(t)
	a := servertest.Dial(t, servertest.Addr(s))
	b := servertest.Dial(t, servertest.Addr(s))
	for i := 0; i < 16; i++ {
		a.Do("SELECT", strconv.Itoa(i))
		for j := 0; j <= i; j++ {
			a.Do("SET", "k"+strconv.Itoa(j), strconv.Itoa(i))
		}
	}
	for i := 0; i < 16; i++ {
		b.Do("SELECT", strconv.Itoa(i))
		if got, want := b.Do("DBSIZE"), fmt.Sprintf(":%d\r\n", i+1); got != want {
			t.Errorf("db %d DBSIZE = %q, want %q", i, got, want)
		}
		if got, want := b.Do("GET", "k0"), fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(i)), i); got != want {
			t.Errorf("db %d GET k0 = %q, want %q", i, got, want)
		}
	}
	if got := a.Do("SELECT", "16"); got != "-ERR DB index is out of range\r\n" {
		t.Errorf("SELECT 16 = %q", got)
	}
	b.Do("SELECT", "3")
	a.Do("SWAPDB", "3", "12")
	if got := b.Do("DBSIZE"); got != ":13\r\n" {
		t.Errorf("after SWAPDB 3 12, db 3 DBSIZE = %q, want :13", got)
	}
	a.Do("SELECT", "12")
	if got := a.Do("GET", "k0"); got != "$1\r\n3\r\n" {
		t.Errorf("after SWAPDB 3 12, db 12 GET k0 = %q, want 3", got)
	}
	a.Do("FLUSHDB")
	if got := b.Do("DBSIZE"); got != ":13\r\n" {
		t.Errorf("FLUSHDB of db 12 changed db 3: DBSIZE = %q", got)
	}
}

// TestExpiryFollowsSwappedKeys: after SWAPDB a key that expires is
// propagated as DEL in the database that holds it now.
func TestExpiryFollowsSwappedKeys(t *testing.T) {
	s, _, clock, rec := startClocked(t)
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("SET", "k", "v", "PX", "10")
	c.Do("SWAPDB", "0", "7")
	rec.Take()
	clock.Advance(time.Second)
	c.Do("SELECT", "7")
	if got := c.Do("GET", "k"); got != "$-1\r\n" {
		t.Errorf("GET of an expired key = %q", got)
	}
	if got := rec.Take(); fmt.Sprint(got) != "[7: DEL k]" {
		t.Errorf("propagated %q, want [7: DEL k]", got)
	}
}

// TestObjectIdletime counts whole seconds since the last access, which
// OBJECT itself does not count as one.
func TestObjectIdletime(t *testing.T) {
	s, _, clock, _ := startClocked(t)
	c := servertest.Dial(t, servertest.Addr(s))
	c.Do("SET", "k", "v")
	clock.Advance(10 * time.Second)
	for i := 0; i < 2; i++ {
		if got := c.Do("OBJECT", "IDLETIME", "k"); got != ":10\r\n" {
			t.Fatalf("OBJECT IDLETIME = %q, want :10", got)
		}
	}
	c.Do("GET", "k")
	if got := c.Do("OBJECT", "IDLETIME", "k"); got != ":0\r\n" {
		t.Errorf("after GET, OBJECT IDLETIME = %q, want :0", got)
	}
}

// lfuPolicyParam is a stand-in for the maxmemory-policy option of the
// final server, which switches the LFU counter on and off.
func lfuPolicyParam(k *db.Keys) *server.Param {
	policy := "noeviction"
	return &server.Param{
		Name: "maxmemory-policy",
		Get:  func() string { return policy },
		Set: func(v string) error {
			switch v {
			case "noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl":
			default:
				return errors.New("argument(s) must be one of the following: ...")
			}
			policy = v
			k.Observers.SetAccess(nil)
			if strings.HasSuffix(v, "-lfu") {
				k.Observers.SetAccess(testLFU{})
			}
			return nil
		},
	}
}

// TestObjectFreqMatchesRedis: under an LFU policy a new key starts at 5
// and its first access always counts (the later ones are random); the
// errors of FREQ and IDLETIME depend on the policy; small integers stop
// being shared under LRU and LFU policies.
func TestObjectFreqMatchesRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, func(s *server.Server) {
		k := db.Register(s, cache.Register(s))
		s.Config.Add(lfuPolicyParam(k))
	})
	for _, proto := range []string{"2", "3"} {
		p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
		p.Go.Do("HELLO", proto)
		p.Redis.Do("HELLO", proto)
		for _, cmd := range [][]string{
			{"FLUSHALL"}, {"CONFIG", "SET", "maxmemory-policy", "noeviction"}, {"SET", "a", "1"}, {"OBJECT", "REFCOUNT", "a"},
			{"OBJECT", "FREQ", "a"}, {"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}, {"SET", "k", "v"},
			{"OBJECT", "FREQ", "k"}, {"GET", "k"}, {"OBJECT", "FREQ", "k"}, {"OBJECT", "IDLETIME", "k"},
			{"OBJECT", "REFCOUNT", "a"}, {"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}, {"OBJECT", "REFCOUNT", "a"},
			{"OBJECT", "FREQ", "k"}, {"CONFIG", "SET", "maxmemory-policy", "noeviction"},
		} {
			p.Same(cmd...)
		}
	}
}

// testLFU is an LFU counter with Redis's default factors.
type testLFU struct{}

func (testLFU) Touch(e *keyspace.Entry, now int64) { evict.TouchLFU(e, now, 10, 1, rand.Float64()) }
func (testLFU) Frequency(e *keyspace.Entry, now int64) int {
	return int(evict.LFUDecay(e.LRU, now, 1))
}
