package difftest_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/sortcmd"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/09-compact/bitcmd"
	"github.com/gocache/gocache/chapters/09-compact/hllcmd"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/chapters/15-scripting/scripting"
	"github.com/gocache/gocache/final/difftest"
	"github.com/gocache/gocache/final/stream"
)

// setup registers every command under test the way final/main.go does
// (registerData, the transaction part of registerMessaging, and the blocking commands).
func setup(s *server.Server) {
	ca := cache.Register(s)
	db.Register(s, ca)
	bitcmd.Register(s, ca)
	hllcmd.Register(s, ca)
	lists := list.Register(s, ca)
	hash.Register(s, ca)
	set.Register(s, ca)
	zsets := zset.Register(s, ca)
	zsets.RegisterGeo(s)
	sortcmd.Register(s, ca, lists)
	multi.Register(s, ca)
	blk := block.Register(s, ca, lists)
	zsets.BlockIn(blk)
	stream.Register(s, ca).BlockIn(blk)
	scripting.Register(s, scripting.Defaults())
}

// rows is the generator table: every command the final server answers
// like Redis, with weights.
var rows = concat(difftest.StringOps, difftest.LCSOps, difftest.KeyOps, difftest.DatabaseOps,
	difftest.ListOps, difftest.HashOps, difftest.SetOps, difftest.ZSetOps, difftest.ZSetAlgebraOps, difftest.SortOps, difftest.MultiOps, difftest.BlockingOps,
	difftest.StreamOps, difftest.BitOps, difftest.HLLOps, difftest.GeoOps, difftest.ScriptOps)

func concat(tables ...[]difftest.Op) []difftest.Op {
	var out []difftest.Op
	for _, t := range tables {
		out = append(out, t...)
	}
	return out
}

// envInt reads a positive integer from the environment, or def.
func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// TestSameRepliesAsRedis runs seeded random sequences against gocache
// and redis-server in RESP2 and RESP3. CI runs 5 seeds of 300 commands;
// GOCACHE_DIFF_OPS and GOCACHE_DIFF_SEEDS run more, GOCACHE_DIFF_SEED
// replays one seed.
func TestSameRepliesAsRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, setup)
	goAddr := servertest.Addr(s)
	ops := envInt(t, "GOCACHE_DIFF_OPS", 300)
	first, count := uint64(1), uint64(envInt(t, "GOCACHE_DIFF_SEEDS", 5))
	if v := os.Getenv("GOCACHE_DIFF_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("GOCACHE_DIFF_SEED=%q: %v", v, err)
		}
		first, count = seed, 1
	}
	for seed := first; seed < first+count; seed++ {
		steps := difftest.Generate(seed, ops, rows)
		for _, proto := range []int{2, 3} {
			m, err := difftest.Run(goAddr, redisAddr, proto, steps)
			if err != nil {
				t.Fatalf("seed %d RESP%d: %v", seed, proto, err)
			}
			if m == nil {
				continue
			}
			failing := steps[:m.Index+1]
			short := difftest.Minimize(failing, func(c []difftest.Step) bool {
				m, err := difftest.Run(goAddr, redisAddr, proto, c)
				return err == nil && m != nil
			}, 400, time.Now().Add(15*time.Second))
			last, _ := difftest.Run(goAddr, redisAddr, proto, short)
			if last == nil {
				last = m // the shortened sequence no longer fails: timing
				short = failing
			}
			t.Errorf("seed %d RESP%d: replies differ (GOCACHE_DIFF_SEED=%d replays it); shortest failing sequence (%d of %d commands):\n%s"+
				"last command:\n gocache: %q\n   redis: %q",
				seed, proto, seed, len(short), m.Index+1, difftest.Format(short), last.Got, last.Want)
		}
	}
}

// TestStreamsSameAsRedis runs the stream commands alone, so that streams
// grow, split into nodes (the node limits change as it runs), get
// trimmed and consumed far more than in the mixed run.
func TestStreamsSameAsRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, setup)
	rows := concat(difftest.StreamOps, []difftest.Op{{Name: "del", Weight: 1, Args: func(g *difftest.Gen) []string {
		return []string{"DEL", g.TypedKey("x")}
	}}})
	for seed := uint64(1); seed <= uint64(envInt(t, "GOCACHE_DIFF_SEEDS", 5)); seed++ {
		steps := difftest.Generate(seed, envInt(t, "GOCACHE_DIFF_OPS", 400), rows)
		for _, proto := range []int{2, 3} {
			m, err := difftest.Run(servertest.Addr(s), redisAddr, proto, steps)
			if err != nil {
				t.Fatalf("seed %d RESP%d: %v", seed, proto, err)
			}
			if m != nil {
				short := difftest.Minimize(steps[:m.Index+1], func(c []difftest.Step) bool {
					m, err := difftest.Run(servertest.Addr(s), redisAddr, proto, c)
					return err == nil && m != nil
				}, 400, time.Now().Add(15*time.Second))
				i := 0
				for i < len(m.Got) && i < len(m.Want) && m.Got[i] == m.Want[i] {
					i++
				}
				from := max(i-120, 0)
				t.Errorf("seed %d RESP%d: replies differ; shortest failing sequence:\n%s last command, from byte %d:\n gocache: %q\n   redis: %q",
					seed, proto, difftest.Format(short), from, m.Got[from:min(len(m.Got), i+200)], m.Want[from:min(len(m.Want), i+200)])
			}
		}
	}
}

// Sequences the random test once found to differ, kept as fixed cases.
func TestFoundMismatchesStayFixed(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, setup)
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	for _, seq := range [][][]string{
		// LMPOP looks up a missing watched key for writing, then pops
		// another list: the watched key did not change, EXEC runs.
		{{"FLUSHALL"}, {"RPUSH", "l2", "a", "b"}, {"WATCH", "k5"}, {"LMPOP", "2", "k5", "l2", "RIGHT"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		{{"FLUSHALL"}, {"RPUSH", "l2", "a"}, {"WATCH", "k5"}, {"BLMPOP", "0.01", "2", "k5", "l2", "LEFT"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		// ...but a watched key created and deleted again did change.
		{{"FLUSHALL"}, {"WATCH", "k5"}, {"SET", "k5", "1"}, {"DEL", "k5"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		// Consumer-group changes and XSETID do not touch a watched
		// stream (Redis 7.0 signals no modification for them); XADD does.
		{{"FLUSHALL"}, {"XADD", "x1", "1-1", "f", "v"}, {"WATCH", "x1"}, {"XGROUP", "CREATE", "x1", "g", "0"},
			{"XGROUP", "CREATECONSUMER", "x1", "g", "c"}, {"XREADGROUP", "GROUP", "g", "c", "STREAMS", "x1", ">"},
			{"XGROUP", "SETID", "x1", "g", "0"}, {"XSETID", "x1", "5-5"}, {"XGROUP", "DESTROY", "x1", "g"},
			{"MULTI"}, {"PING"}, {"EXEC"}},
		{{"FLUSHALL"}, {"XADD", "x1", "1-1", "f", "v"}, {"WATCH", "x1"}, {"XADD", "x1", "2-1", "f", "v"}, {"MULTI"}, {"PING"}, {"EXEC"}},
		// An unknown subcommand is refused at once, even in MULTI, which
		// it then aborts.
		{{"MULTI"}, {"XGROUP", "FOO"}, {"OBJECT", "FOO", "k"}, {"CONFIG", "FOO"}, {"PING"}, {"EXEC"}},
	} {
		for _, cmd := range seq {
			p.Same(cmd...)
		}
	}
}

// TestScriptsSameAsRedis runs the scripting commands with the string and
// key commands they meet most, so that scripts see values they wrote.
func TestScriptsSameAsRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, setup)
	rows := concat(difftest.ScriptOps, difftest.StringOps, difftest.ListOps, difftest.HashOps)
	for seed := uint64(1); seed <= uint64(envInt(t, "GOCACHE_DIFF_SEEDS", 5)); seed++ {
		steps := difftest.Generate(seed, envInt(t, "GOCACHE_DIFF_OPS", 400), rows)
		for _, proto := range []int{2, 3} {
			m, err := difftest.Run(servertest.Addr(s), redisAddr, proto, steps)
			if err != nil {
				t.Fatalf("seed %d RESP%d: %v", seed, proto, err)
			}
			if m != nil {
				short := difftest.Minimize(steps[:m.Index+1], func(c []difftest.Step) bool {
					m, err := difftest.Run(servertest.Addr(s), redisAddr, proto, c)
					return err == nil && m != nil
				}, 400, time.Now().Add(15*time.Second))
				last, _ := difftest.Run(servertest.Addr(s), redisAddr, proto, short)
				if last == nil {
					last, short = m, steps[:m.Index+1]
				}
				t.Errorf("seed %d RESP%d: replies differ; shortest failing sequence:\n%s last command:\n gocache: %q\n   redis: %q",
					seed, proto, difftest.Format(short), last.Got, last.Want)
			}
		}
	}
}
