package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestBitmapsAndHLLThroughGoRedis: a real client's bitmap and
// HyperLogLog calls get the values Redis's documentation shows.
func TestBitmapsAndHLLThroughGoRedis(t *testing.T) {
	s, _, _, _ := startClocked(t)
	rdb := redis.NewClient(&redis.Options{Addr: servertest.Addr(s)})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	rdb.Set(ctx, "mykey", "foobar", 0)
	if n, err := rdb.BitCount(ctx, "mykey", nil).Result(); err != nil || n != 26 {
		t.Errorf("BITCOUNT mykey = %d, %v; want 26", n, err)
	}
	if n, err := rdb.BitCount(ctx, "mykey", &redis.BitCount{Start: 5, End: 30, Unit: "BIT"}).Result(); err != nil || n != 17 {
		t.Errorf("BITCOUNT mykey 5 30 BIT = %d, %v; want 17", n, err)
	}
	rdb.Set(ctx, "k", "\xff\xf0\x00", 0)
	if n, err := rdb.BitPos(ctx, "k", 0).Result(); err != nil || n != 12 {
		t.Errorf("BITPOS k 0 = %d, %v; want 12", n, err)
	}
	if old, err := rdb.SetBit(ctx, "b", 7, 1).Result(); err != nil || old != 0 {
		t.Errorf("SETBIT b 7 1 = %d, %v", old, err)
	}
	if v, err := rdb.Get(ctx, "b").Result(); err != nil || v != "\x01" {
		t.Errorf("GET b = %q, %v; want \\x01", v, err)
	}
	got, err := rdb.BitField(ctx, "bf", "INCRBY", "i5", 100, 1, "GET", "u4", 0).Result()
	if err != nil || !slices.Equal(got, []int64{1, 0}) {
		t.Errorf("BITFIELD bf INCRBY i5 100 1 GET u4 0 = %v, %v; want [1 0]", got, err)
	}
	if n, err := rdb.BitOpOr(ctx, "dest", "mykey", "k").Result(); err != nil || n != 6 {
		t.Errorf("BITOP OR dest mykey k = %d, %v; want 6", n, err)
	}

	rdb.PFAdd(ctx, "hll1", "foo", "bar", "zap", "a")
	rdb.PFAdd(ctx, "hll2", "a", "b", "c", "foo")
	if n, err := rdb.PFMerge(ctx, "hll3", "hll1", "hll2").Result(); err != nil || n != "OK" {
		t.Errorf("PFMERGE = %q, %v", n, err)
	}
	if n, err := rdb.PFCount(ctx, "hll3").Result(); err != nil || n != 6 {
		t.Errorf("PFCOUNT hll3 = %d, %v; want 6", n, err)
	}
	if n, err := rdb.PFCount(ctx, "hll1", "hll2").Result(); err != nil || n != 6 {
		t.Errorf("PFCOUNT hll1 hll2 = %d, %v; want 6", n, err)
	}
	if err := rdb.PFAdd(ctx, "mykey", "x").Err(); err == nil || err.Error() != "WRONGTYPE Key is not a valid HyperLogLog string value." {
		t.Errorf("PFADD on a plain string: %v", err)
	}
}
