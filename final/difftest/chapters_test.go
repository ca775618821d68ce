package difftest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/final/difftest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// listBlocking are the blocking commands chapters 06 and 07 have: those
// of BlockingOps but the sorted sets' (chapter 08).
var listBlocking = slices.DeleteFunc(slices.Clone(difftest.BlockingOps), func(op difftest.Op) bool { return op.Name == "bzpop" })

// keyDel deletes a key of any type, so that keys change types.
var keyDel = difftest.Op{Name: "del", Weight: 2, Args: func(g *difftest.Gen) []string {
	return []string{"DEL", g.TypedKey("x")}
}}

// TestChapterProgramsSameAsRedis runs each chapter program that has data
// types, built and started as a learner runs it, against redis-server
// with random sequences of the commands it teaches.
func TestChapterProgramsSameAsRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	// Each program has the families of the one it stacks on, and its own.
	ch08 := concat(difftest.ListOps, difftest.BlockingOps, difftest.HashOps, difftest.SetOps,
		difftest.ZSetOps, difftest.ZSetAlgebraOps, difftest.GeoOps, []difftest.Op{keyDel})
	ch09 := concat(ch08, difftest.BitOps, difftest.HLLOps)
	ch10 := concat(ch09, difftest.MultiOps)
	chapters := []struct {
		pkg  string
		rows []difftest.Op
	}{
		{"github.com/gocache/gocache/chapters/06-lists", concat(difftest.ListOps, listBlocking, []difftest.Op{keyDel})},
		{"github.com/gocache/gocache/chapters/07-hashes-sets", concat(difftest.ListOps, listBlocking, difftest.HashOps, difftest.SetOps, []difftest.Op{keyDel})},
		{"github.com/gocache/gocache/chapters/08-sorted-sets", ch08},
		{"github.com/gocache/gocache/chapters/09-compact", ch09},
		{"github.com/gocache/gocache/chapters/10-transactions-pubsub", ch10},
		{"github.com/gocache/gocache/chapters/11-eviction", ch10}, // maxmemory is 0: nothing is evicted
		// Chapter 14 stacks on chapter 12's server, whose types are
		// chapter 08's. Last, since its CONFIG SETs of the stream node
		// limits stay in redis-server.
		{"github.com/gocache/gocache/chapters/14-streams", concat(ch08, difftest.StreamOps)},
	}
	for _, ch := range chapters {
		t.Run(ch.pkg[len("github.com/gocache/gocache/chapters/"):], func(t *testing.T) {
			p := servertest.StartProcess(t, t.TempDir(), servertest.Build(t, ch.pkg))
			p.WaitReady(t, 20*time.Second)
			for seed := uint64(1); seed <= uint64(envInt(t, "GOCACHE_DIFF_SEEDS", 2)); seed++ {
				steps := difftest.Generate(seed, envInt(t, "GOCACHE_DIFF_OPS", 300), ch.rows)
				for _, proto := range []int{2, 3} {
					m, err := difftest.Run(p.Addr, redisAddr, proto, steps)
					if err != nil {
						t.Fatalf("seed %d RESP%d: %v", seed, proto, err)
					}
					if m != nil {
						t.Errorf("seed %d RESP%d: replies differ at step %d, %q:\n gocache: %q\n   redis: %q\nsequence:\n%s",
							seed, proto, m.Index, steps[m.Index].Args, m.Got, m.Want, difftest.Format(steps[:m.Index+1]))
					}
				}
			}
		})
	}
}
