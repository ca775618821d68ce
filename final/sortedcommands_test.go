package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// The sorted-set algebra, ZRANGESTORE, ZMPOP, SORT and LCS through
// go-redis's typed API on the real server, in RESP2 and RESP3; what they
// wrote reaches the AOF in Redis's forms and survives a restart.
func TestSortedCommandsThroughGoRedisAndRestart(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--appendonly", "yes", "--appendfsync", "always", "--dir", dir}
	p := startProc(t, args...)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: p.Addr, Protocol: proto, MaxRetries: -1, DisableIdentity: true})
		defer c.Close()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("RESP%d: %v", proto, err)
			}
		}
		same := func(what string, got, want any) {
			t.Helper()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("RESP%d %s = %v, want %v", proto, what, got, want)
			}
		}
		must(c.FlushAll(ctx).Err())
		must(c.ZAdd(ctx, "a", redis.Z{Score: 1, Member: "x"}, redis.Z{Score: 2, Member: "y"}, redis.Z{Score: 3, Member: "z"}).Err())
		must(c.ZAdd(ctx, "b", redis.Z{Score: 10, Member: "y"}, redis.Z{Score: 20, Member: "w"}).Err())
		must(c.SAdd(ctx, "s", "x", "w").Err())

		union, err := c.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{"a", "b", "s"}, Weights: []float64{1, 2, 3}, Aggregate: "MAX"}).Result()
		must(err)
		same("ZUNION", union, []redis.Z{{Score: 3, Member: "x"}, {Score: 3, Member: "z"}, {Score: 20, Member: "y"}, {Score: 40, Member: "w"}})
		inter, err := c.ZInter(ctx, &redis.ZStore{Keys: []string{"a", "b"}}).Result()
		must(err)
		same("ZINTER", inter, []string{"y"})
		diff, err := c.ZDiffWithScores(ctx, "a", "b").Result()
		must(err)
		same("ZDIFF", diff, []redis.Z{{Score: 1, Member: "x"}, {Score: 3, Member: "z"}})
		n, err := c.ZInterCard(ctx, 1, "a", "s").Result()
		must(err)
		same("ZINTERCARD LIMIT 1", n, int64(1))
		n, err = c.ZDiffStore(ctx, "d", "a", "s").Result()
		must(err)
		same("ZDIFFSTORE", n, int64(2))
		n, err = c.ZRangeStore(ctx, "r", redis.ZRangeArgs{Key: "a", Start: "(1", Stop: "+inf", ByScore: true, Rev: false, Count: 1}).Result()
		must(err)
		same("ZRANGESTORE", n, int64(1))
		r, err := c.ZRangeWithScores(ctx, "r", 0, -1).Result()
		must(err)
		same("ZRANGE of ZRANGESTORE", r, []redis.Z{{Score: 2, Member: "y"}})
		key, popped, err := c.ZMPop(ctx, "max", 2, "nokey", "b").Result()
		must(err)
		same("ZMPOP key", key, "b")
		same("ZMPOP", popped, []redis.Z{{Score: 20, Member: "w"}, {Score: 10, Member: "y"}})

		must(c.RPush(ctx, "l", "c", "a", "b").Err())
		must(c.MSet(ctx, "w_a", "3", "w_b", "1", "w_c", "2").Err())
		must(c.HSet(ctx, "h_a", "f", "A").Err())
		sorted, err := c.Sort(ctx, "l", &redis.Sort{By: "w_*", Get: []string{"#", "h_*->f"}, Order: "DESC"}).Result()
		must(err)
		same("SORT BY GET", sorted, []string{"a", "A", "c", "", "b", ""})
		ro, err := c.SortRO(ctx, "l", &redis.Sort{Alpha: true, Offset: 1, Count: 2}).Result()
		must(err)
		same("SORT_RO", ro, []string{"b", "c"})
		n, err = c.SortStore(ctx, "l", "sorted", &redis.Sort{Alpha: true}).Result()
		must(err)
		same("SORT STORE", n, int64(3))

		must(c.MSet(ctx, "k1", "ohmytext", "k2", "mynewtext").Err())
		lcs, err := c.LCS(ctx, &redis.LCSQuery{Key1: "k1", Key2: "k2"}).Result()
		must(err)
		same("LCS", lcs.MatchString, "mytext")
		idx, err := c.LCS(ctx, &redis.LCSQuery{Key1: "k1", Key2: "k2", Idx: true, MinMatchLen: 2, WithMatchLen: true}).Result()
		must(err)
		same("LCS IDX", idx, &redis.LCSMatch{Len: 6, Matches: []redis.LCSMatchedPosition{
			{Key1: redis.LCSPosition{Start: 4, End: 7}, Key2: redis.LCSPosition{Start: 5, End: 8}, MatchLen: 4},
			{Key1: redis.LCSPosition{Start: 2, End: 3}, Key2: redis.LCSPosition{Start: 0, End: 1}, MatchLen: 2},
		}})
	}
	incr := readIncr(t, dir)
	for _, form := range []string{
		"$11\r\nZRANGESTORE\r\n$1\r\nr\r\n$1\r\na\r\n$2\r\n(1\r\n$4\r\n+inf\r\n",
		"$7\r\nZPOPMAX\r\n$1\r\nb\r\n$1\r\n2\r\n",
		"$4\r\nsort\r\n$1\r\nl\r\n$5\r\nalpha\r\n$5\r\nstore\r\n$6\r\nsorted\r\n",
		"$10\r\nzdiffstore\r\n$1\r\nd\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\ns\r\n",
	} {
		if !strings.Contains(strings.ToLower(incr), strings.ToLower(form)) {
			t.Errorf("the AOF lacks %q:\n%q", form, incr)
		}
	}
	stopProc(t, p, true)
	p = startProc(t, args...)
	c := redis.NewClient(&redis.Options{Addr: p.Addr, MaxRetries: -1, DisableIdentity: true})
	defer c.Close()
	for key, want := range map[string][]string{"d": {"y", "z"}, "r": {"y"}, "b": {}} {
		if got, err := c.ZRange(ctx, key, 0, -1).Result(); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after restart ZRANGE %s = %q, %v; want %q", key, got, err, want)
		}
	}
	if got, err := c.LRange(ctx, "sorted", 0, -1).Result(); err != nil || !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("after restart LRANGE sorted = %q, %v", got, err)
	}
}

// readIncr returns the incr files in dir's appendonlydir, joined.
func readIncr(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "appendonlydir", "*.incr.aof"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no incr file: %v", err)
	}
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
