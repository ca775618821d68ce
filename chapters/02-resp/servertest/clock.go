package servertest

import (
	"sync/atomic"
	"time"
)

// Clock is a server's clock in tests (set Server.Now to its Now): time
// moves only when the test says so. The loop goroutine reads it while the
// test goroutine moves it, hence the atomic.
type Clock struct{ ms atomic.Int64 }

// NewClock returns a clock stopped at ms, in unix milliseconds.
func NewClock(ms int64) *Clock {
	c := &Clock{}
	c.ms.Store(ms)
	return c
}

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.UnixMilli(c.ms.Load()) }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }
