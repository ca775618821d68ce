package aof

import (
	"sync/atomic"
	"time"
)

// target is the file the loop is appending to, as the background
// goroutine sees it. written is advanced by the loop after each write(2);
// synced is only touched by the background goroutine.
type target struct {
	f       File
	written atomic.Int64
	synced  int64
}

// bio is the background goroutine of Redis's bio.c, reduced to what the
// AOF needs: under everysec it fsyncs the current file at most once a
// second, and it fsyncs and closes files the loop has stopped appending to.
// The loop never waits for it: it only stores the written offset and
// sends close jobs, so a slow disk stalls the fsync, not the clients.
type bio struct {
	cur      atomic.Pointer[target]
	everysec atomic.Bool
	busy     atomic.Bool           // an fsync is running (aof_pending_bio_fsync)
	err      atomic.Pointer[error] // last fsync error, nil after a success
	jobs     chan File
	quit     chan struct{}
	done     chan struct{}
	period   time.Duration
}

func newBio(t *target, everysec bool, period time.Duration) *bio {
	b := &bio{jobs: make(chan File, 64), quit: make(chan struct{}), done: make(chan struct{}), period: period}
	b.cur.Store(t)
	b.everysec.Store(everysec)
	go b.run()
	return b
}

func (b *bio) run() {
	defer close(b.done)
	tick := time.NewTicker(b.period)
	defer tick.Stop()
	for {
		select {
		case f := <-b.jobs:
			b.closeFile(f)
		case <-tick.C:
			if b.everysec.Load() {
				b.sync()
			}
		case <-b.quit:
			for {
				select {
				case f := <-b.jobs:
					b.closeFile(f)
				default:
					return
				}
			}
		}
	}
}

// sync fsyncs the current file if anything was written since the last time.
func (b *bio) sync() {
	t := b.cur.Load()
	w := t.written.Load()
	if w <= t.synced {
		return
	}
	b.busy.Store(true)
	err := t.f.Sync()
	b.busy.Store(false)
	if err != nil {
		b.err.Store(&err)
		return
	}
	t.synced = w
	b.err.Store(nil)
}

func (b *bio) closeFile(f File) {
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.err.Store(&err)
	}
}

// fsyncErr returns the last background fsync error, nil if the last one
// succeeded.
func (b *bio) fsyncErr() error {
	if p := b.err.Load(); p != nil {
		return *p
	}
	return nil
}

// stop waits for queued close jobs and for a running fsync to finish.
func (b *bio) stop() {
	close(b.quit)
	<-b.done
}
