// Package jobqueue is a worked solution of chapter 14's first exercise:
// a job queue on a stream and a consumer group, as an application would
// write it with go-redis. Each job is delivered to one worker and stays
// pending until that worker acknowledges it (at least once); the jobs of
// a worker that died are claimed by another once they have been idle
// long enough; a job that keeps failing goes to a dead-letter stream
// instead of being retried for ever.
package jobqueue

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Queue is one stream of jobs and the group of workers that consume it.
type Queue struct {
	C      *redis.Client
	Stream string // the jobs
	Group  string // the workers
	Dead   string // where jobs delivered MaxDeliveries times go
	// MaxDeliveries is how many deliveries a job gets before it is
	// given up on.
	MaxDeliveries int64
	// MinIdle is how long a job stays with a worker that does not
	// acknowledge it before another may claim it.
	MinIdle time.Duration
}

// Handler does one job; an error leaves the job pending, to be retried.
type Handler func(id string, job map[string]any) error

// Setup creates the group, reading from the start of the stream, and the
// stream if needed. A group that exists already is fine.
func (q *Queue) Setup(ctx context.Context) error {
	err := q.C.XGroupCreateMkStream(ctx, q.Stream, q.Group, "0").Err()
	if err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return nil
	}
	return err
}

// Add queues a job and returns its ID.
func (q *Queue) Add(ctx context.Context, job map[string]any) (string, error) {
	return q.C.XAdd(ctx, &redis.XAddArgs{Stream: q.Stream, Values: job}).Result()
}

// Work asks for up to n jobs never delivered before for worker, waiting
// up to block for one (0: do not wait), runs handle on each and
// acknowledges those it did. It returns how many it did.
func (q *Queue) Work(ctx context.Context, worker string, n int64, block time.Duration, handle Handler) (int, error) {
	if block == 0 {
		block = -1 // go-redis: no BLOCK argument
	}
	res, err := q.C.XReadGroup(ctx, &redis.XReadGroupArgs{Group: q.Group, Consumer: worker,
		Streams: []string{q.Stream, ">"}, Count: n, Block: block}).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return q.run(ctx, res[0].Messages, handle)
}

// Reap takes over for worker the jobs other workers left pending for
// MinIdle or more, up to n: those delivered MaxDeliveries times already
// go to the dead-letter stream (and are acknowledged), the others are
// claimed and run. It returns how many jobs it did.
func (q *Queue) Reap(ctx context.Context, worker string, n int64, handle Handler) (int, error) {
	pending, err := q.C.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: q.Stream, Group: q.Group,
		Idle: q.MinIdle, Start: "-", End: "+", Count: n}).Result()
	if err != nil {
		return 0, err
	}
	var retry []string
	for _, p := range pending {
		if p.RetryCount < q.MaxDeliveries {
			retry = append(retry, p.ID)
			continue
		}
		if err := q.bury(ctx, p.ID); err != nil {
			return 0, err
		}
	}
	if len(retry) == 0 {
		return 0, nil
	}
	// XCLAIM checks the idle time again: a job its worker finished or
	// another reaper took meanwhile is not claimed twice.
	msgs, err := q.C.XClaim(ctx, &redis.XClaimArgs{Stream: q.Stream, Group: q.Group, Consumer: worker,
		MinIdle: q.MinIdle, Messages: retry}).Result()
	if err != nil {
		return 0, err
	}
	return q.run(ctx, msgs, handle)
}

// bury moves job id to the dead-letter stream, with its ID, and
// acknowledges it, in one transaction.
func (q *Queue) bury(ctx context.Context, id string) error {
	msgs, err := q.C.XRange(ctx, q.Stream, id, id).Result()
	if err != nil {
		return err
	}
	_, err = q.C.TxPipelined(ctx, func(p redis.Pipeliner) error {
		values := map[string]any{"job": id}
		if len(msgs) == 1 { // trimmed or deleted meanwhile: only the ID is left
			for k, v := range msgs[0].Values {
				values[k] = v
			}
		}
		p.XAdd(ctx, &redis.XAddArgs{Stream: q.Dead, Values: values})
		p.XAck(ctx, q.Stream, q.Group, id)
		return nil
	})
	return err
}

// run handles msgs in order and acknowledges the ones done.
func (q *Queue) run(ctx context.Context, msgs []redis.XMessage, handle Handler) (int, error) {
	var done []string
	for _, m := range msgs {
		if handle(m.ID, m.Values) == nil {
			done = append(done, m.ID)
		}
	}
	if len(done) == 0 {
		return 0, nil
	}
	return len(done), q.C.XAck(ctx, q.Stream, q.Group, done...).Err()
}
