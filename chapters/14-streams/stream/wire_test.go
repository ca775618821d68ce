package stream_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestGoRedisClient drives the stream commands through go-redis, as an
// application would: a producer, a consumer group with two consumers,
// acknowledgement, and a crashed consumer's entries claimed by another.
func TestGoRedisClient(t *testing.T) {
	for _, proto := range []int{2, 3} {
		e := start(t)
		ctx := context.Background()
		c := redis.NewClient(&redis.Options{Addr: e.s.Addrs()[0], Protocol: proto, DisableIdentity: true})
		t.Cleanup(func() { c.Close() })

		var ids []string
		for i, v := range []string{"a", "b", "c", "d"} {
			id, err := c.XAdd(ctx, &redis.XAddArgs{Stream: "orders", Values: []any{"item", v, "n", i}}).Result()
			if err != nil {
				t.Fatalf("RESP%d XADD: %v", proto, err)
			}
			ids = append(ids, id)
		}
		if want := []string{"1700000000000-0", "1700000000000-1", "1700000000000-2", "1700000000000-3"}; !slices.Equal(ids, want) {
			t.Fatalf("RESP%d XADD ids %q, want %q", proto, ids, want)
		}
		msgs, err := c.XRange(ctx, "orders", "-", "+").Result()
		if err != nil || len(msgs) != 4 || msgs[2].Values["item"] != "c" || msgs[2].Values["n"] != "2" {
			t.Fatalf("RESP%d XRANGE: %v %v", proto, msgs, err)
		}
		if err := c.XGroupCreate(ctx, "orders", "shipping", "0").Err(); err != nil {
			t.Fatalf("RESP%d XGROUP CREATE: %v", proto, err)
		}
		read := func(consumer string, count int64) []redis.XMessage {
			t.Helper()
			res, err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "shipping", Consumer: consumer,
				Streams: []string{"orders", ">"}, Count: count, Block: -1}).Result()
			if err != nil || len(res) != 1 || res[0].Stream != "orders" {
				t.Fatalf("RESP%d XREADGROUP %s: %v %v", proto, consumer, res, err)
			}
			return res[0].Messages
		}
		if got := read("alice", 3); len(got) != 3 || got[0].ID != ids[0] {
			t.Fatalf("RESP%d alice read %v", proto, got)
		}
		if got := read("bob", 10); len(got) != 1 || got[0].ID != ids[3] {
			t.Fatalf("RESP%d bob read %v", proto, got)
		}
		if n, err := c.XAck(ctx, "orders", "shipping", ids[0], ids[3]).Result(); err != nil || n != 2 {
			t.Fatalf("RESP%d XACK: %d %v", proto, n, err)
		}
		sum, err := c.XPending(ctx, "orders", "shipping").Result()
		if err != nil || sum.Count != 2 || sum.Lower != ids[1] || sum.Higher != ids[2] || sum.Consumers["alice"] != 2 {
			t.Fatalf("RESP%d XPENDING: %+v %v", proto, sum, err)
		}
		// Alice went away: bob takes over what she had not acknowledged.
		claimed, next, err := c.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: "orders", Group: "shipping",
			Consumer: "bob", MinIdle: 0, Start: "0", Count: 10}).Result()
		if err != nil || len(claimed) != 2 || claimed[0].ID != ids[1] || next != "0-0" {
			t.Fatalf("RESP%d XAUTOCLAIM: %v %q %v", proto, claimed, next, err)
		}
		ext, err := c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "orders", Group: "shipping", Start: "-", End: "+", Count: 10}).Result()
		if err != nil || len(ext) != 2 || ext[0].Consumer != "bob" || ext[0].RetryCount != 2 {
			t.Fatalf("RESP%d XPENDING extended: %+v %v", proto, ext, err)
		}
		groups, err := c.XInfoGroups(ctx, "orders").Result()
		if err != nil || len(groups) != 1 || groups[0].Pending != 2 || groups[0].EntriesRead != 4 || groups[0].Lag != 0 {
			t.Fatalf("RESP%d XINFO GROUPS: %+v %v", proto, groups, err)
		}
		info, err := c.XInfoStream(ctx, "orders").Result()
		if err != nil || info.Length != 4 || info.LastGeneratedID != ids[3] || info.FirstEntry.ID != ids[0] || info.EntriesAdded != 4 {
			t.Fatalf("RESP%d XINFO STREAM: %+v %v", proto, info, err)
		}
		if n, err := c.XTrimMaxLen(ctx, "orders", 1).Result(); err != nil || n != 3 {
			t.Fatalf("RESP%d XTRIM: %d %v", proto, n, err)
		}
		// A blocked reader is woken by a new entry.
		done := make(chan []redis.XStream, 1)
		go func() {
			res, _ := c.XRead(ctx, &redis.XReadArgs{Streams: []string{"orders", "$"}, Block: 10 * time.Second}).Result()
			done <- res
		}()
		waitFor(t, func() bool { return containsLine(e.c.Do("INFO", "clients"), "blocked_clients:1") })
		e.c.Do("XADD", "orders", "1800000000000-0", "item", "e")
		select {
		case res := <-done:
			if len(res) != 1 || len(res[0].Messages) != 1 || res[0].Messages[0].ID != "1800000000000-0" {
				t.Fatalf("RESP%d blocked XREAD got %v", proto, res)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("RESP%d blocked XREAD was not woken", proto)
		}
		c.FlushAll(ctx)
	}
}

// waitFor polls cond until it holds, for at most 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(2 * time.Millisecond) // polling interval
	}
}

func containsLine(text, line string) bool { return strings.Contains(text, line+"\r\n") }
