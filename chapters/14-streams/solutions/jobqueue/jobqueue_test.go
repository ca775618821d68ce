package jobqueue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/14-streams/chapter14"
)

// start runs chapter 14's layers, with MULTI for bury, on a clock the
// test moves.
func start(t *testing.T) (*Queue, *servertest.Clock) {
	clock := servertest.NewClock(1_700_000_000_000)
	s := servertest.Start(t, func(s *server.Server) {
		s.Now = clock.Now
		ca := cache.Register(s)
		chapter14.Register(s, ca)
		multi.Register(s, ca)
	})
	c := redis.NewClient(&redis.Options{Addr: servertest.Addr(s), DisableIdentity: true})
	t.Cleanup(func() { c.Close() })
	q := &Queue{C: c, Stream: "jobs", Group: "workers", Dead: "jobs:dead", MaxDeliveries: 3, MinIdle: time.Minute}
	if err := q.Setup(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := q.Setup(context.Background()); err != nil {
		t.Fatalf("Setup again: %v", err)
	}
	return q, clock
}

// TestEveryJobDoneOnceWorkersDie: worker a takes five jobs and dies
// without acknowledging them; b does the other five; once a's jobs have
// been idle for MinIdle, b's reaper claims and does them. A job that
// always fails is retried until its third delivery and then buried.
func TestEveryJobDoneOnceWorkersDie(t *testing.T) {
	q, clock := start(t)
	ctx := context.Background()
	for i := range 10 {
		if _, err := q.Add(ctx, map[string]any{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	poison, _ := q.Add(ctx, map[string]any{"n": "poison"})
	done := map[string]int{}
	do := func(id string, job map[string]any) error {
		if job["n"] == "poison" {
			return errors.New("cannot do this one")
		}
		done[fmt.Sprint(job["n"])]++
		return nil
	}
	crash := func(string, map[string]any) error { return errors.New("worker died") }

	if n, err := q.Work(ctx, "a", 5, 0, crash); err != nil || n != 0 {
		t.Fatalf("a: %d, %v", n, err)
	}
	if n, err := q.Work(ctx, "b", 10, 0, do); err != nil || n != 5 {
		t.Fatalf("b did %d jobs (%v), want 5 (the poison job fails)", n, err)
	}
	if n, _ := q.Reap(ctx, "b", 10, do); n != 0 {
		t.Fatalf("b reaped %d jobs before they were idle", n)
	}
	for round := 1; round <= 3; round++ {
		clock.Advance(time.Minute)
		n, err := q.Reap(ctx, "b", 10, do)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{1: 5, 2: 0, 3: 0}[round]; n != want {
			t.Fatalf("reap %d did %d jobs, want %d", round, n, want)
		}
	}
	for i := range 10 {
		if done[fmt.Sprint(i)] != 1 {
			t.Errorf("job %d done %d times, want 1", i, done[fmt.Sprint(i)])
		}
	}
	if p, _ := q.C.XPending(ctx, "jobs", "workers").Result(); p.Count != 0 {
		t.Errorf("%d jobs still pending: %+v", p.Count, p)
	}
	dead, err := q.C.XRange(ctx, "jobs:dead", "-", "+").Result()
	if err != nil || len(dead) != 1 || dead[0].Values["job"] != poison || dead[0].Values["n"] != "poison" {
		t.Fatalf("dead letters %+v (%v), want the poison job %s", dead, err, poison)
	}
}

// TestWorkWaits: a worker blocked in Work is given the job added while
// it waits.
func TestWorkWaits(t *testing.T) {
	q, _ := start(t)
	ctx := context.Background()
	got := make(chan string, 1)
	go func() {
		q.Work(ctx, "a", 1, 10*time.Second, func(id string, _ map[string]any) error { got <- id; return nil })
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(q.C.Info(ctx, "clients").Val(), "blocked_clients:1") {
		if time.Now().After(deadline) {
			t.Fatal("the worker never waited")
		}
		time.Sleep(5 * time.Millisecond) // polling interval, bounded by the deadline
	}
	id, _ := q.Add(ctx, map[string]any{"n": 1})
	select {
	case g := <-got:
		if g != id {
			t.Fatalf("worker got %s, want %s", g, id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting worker was not given the job")
	}
}
