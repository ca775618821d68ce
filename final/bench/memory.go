package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/procmem"
	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// fdCount is the number of open file descriptors of a process: how the
// harness knows the server has accepted every connection without asking
// it (an idle connection must stay idle).
func fdCount(pid int) (int, error) {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	return len(ents), err
}

// Settle parameters: RSS is "settled" when it moved less than
// settleTolerance (or 64 KiB, whichever is larger) during settleWindow.
// Redis shrinks idle clients' buffers in its once-a-second client cron
// and jemalloc returns freed pages gradually; Go's scavenger does the
// same for gocache. Reading too early would charge both servers for
// memory they are about to give back.
const (
	settleWindow    = 3 * time.Second
	settlePoll      = 250 * time.Millisecond
	settleTolerance = 0.005
)

// settledRSS polls a process's RSS until it is stable over settleWindow
// or timeout passes; it returns the last reading and whether it settled.
func settledRSS(ctx context.Context, pid int, timeout time.Duration) (int64, bool, error) {
	deadline := time.Now().Add(timeout)
	type sample struct {
		at  time.Time
		rss int64
	}
	var hist []sample
	for {
		rss, err := procmem.RSS(pid)
		if err != nil {
			return 0, false, err
		}
		now := time.Now()
		hist = append(hist, sample{now, rss})
		for len(hist) > 1 && now.Sub(hist[1].at) >= settleWindow {
			hist = hist[1:]
		}
		if now.Sub(hist[0].at) >= settleWindow {
			lo, hi := hist[0].rss, hist[0].rss
			for _, s := range hist {
				lo, hi = min(lo, s.rss), max(hi, s.rss)
			}
			if float64(hi-lo) <= max(64<<10, settleTolerance*float64(rss)) {
				return rss, true, nil
			}
		}
		if now.After(deadline) {
			return rss, false, nil
		}
		select {
		case <-ctx.Done():
			return 0, false, ctx.Err()
		case <-time.After(settlePoll):
		}
	}
}

// idleConnMemory opens n connections to the server that send nothing,
// waits until the server holds them all and its RSS has settled, and
// returns the RSS growth per connection in bytes, and whether both
// readings settled.
func idleConnMemory(ctx context.Context, srv *Server, n int, logf func(string, ...any)) (float64, bool, error) {
	pid := srv.Pid()
	rss0, ok, err := settledRSS(ctx, pid, 20*time.Second)
	if err != nil {
		return 0, false, err
	}
	fd0, err := fdCount(pid)
	if err != nil {
		return 0, false, err
	}
	conns, err := procmem.DialIdle(addr(srv.Port), n, 60*time.Second)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	if err != nil {
		return 0, false, fmt.Errorf("%s: opened %d of %d connections: %w", srv.Name, len(conns), n, err)
	}
	// Bounded: a server that refuses connections (maxclients) closes
	// them, so the count never arrives.
	deadline := time.Now().Add(30 * time.Second)
	for {
		fds, err := fdCount(pid)
		if err != nil {
			return 0, false, err
		}
		if fds >= fd0+n {
			break
		}
		if time.Now().After(deadline) {
			return 0, false, fmt.Errorf("%s holds %d of %d connections after 30 s", srv.Name, fds-fd0, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	rss1, ok1, err := settledRSS(ctx, pid, 30*time.Second)
	if err != nil {
		return 0, false, err
	}
	if !ok || !ok1 {
		logf("%s: RSS still moving after the settle timeout; using the last reading", srv.Name)
	}
	logf("%s: RSS %.1f MiB -> %.1f MiB with %d idle connections", srv.Name, mib(rss0), mib(rss1), n)
	return float64(rss1-rss0) / float64(n), ok && ok1, nil
}

// keyMemory fills the empty server with n keys (16-byte keys, 32-byte
// values) over one pipelined connection and returns the RSS growth per
// key in bytes, and whether both readings settled.
func keyMemory(ctx context.Context, srv *Server, n int, logf func(string, ...any)) (float64, bool, error) {
	pid := srv.Pid()
	rss0, ok, err := settledRSS(ctx, pid, 20*time.Second)
	if err != nil {
		return 0, false, err
	}
	start := time.Now()
	if err := fill(srv.Port, n, 3*time.Minute); err != nil {
		return 0, false, fmt.Errorf("%s: fill: %w", srv.Name, err)
	}
	fillTime := time.Since(start)
	rss1, ok1, err := settledRSS(ctx, pid, 30*time.Second)
	if err != nil {
		return 0, false, err
	}
	if !ok || !ok1 {
		logf("%s: RSS still moving after the settle timeout; using the last reading", srv.Name)
	}
	logf("%s: filled %d keys in %v; RSS %.1f MiB -> %.1f MiB", srv.Name, n, fillTime.Round(time.Millisecond), mib(rss0), mib(rss1))
	return float64(rss1-rss0) / float64(n), ok && ok1, nil
}

// Key and value shapes for the keys suite: "key:" plus 12 digits is 16
// bytes; the value starts with a letter so neither server stores it as
// an integer.
const (
	keyFormat   = "key:%012d"
	valueFormat = "v%031d"
	fillBatch   = 1000
)

// fill sends n SET commands in pipelined batches and checks every reply
// is +OK. SET rather than MSET: every server under test has it.
func fill(port, n int, timeout time.Duration) error {
	c, err := net.DialTimeout("tcp", addr(port), 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	rd := bufio.NewReaderSize(c, 64<<10)
	buf := make([]byte, 0, fillBatch*80)
	for i := 0; i < n; i += fillBatch {
		buf = buf[:0]
		m := min(fillBatch, n-i)
		for j := i; j < i+m; j++ {
			buf = appendSet(buf, fmt.Sprintf(keyFormat, j), fmt.Sprintf(valueFormat, j))
		}
		if _, err := c.Write(buf); err != nil {
			return err
		}
		for range m {
			line, err := rd.ReadString('\n')
			if err != nil {
				return err
			}
			if line != "+OK\r\n" {
				return fmt.Errorf("SET answered %q", strings.TrimSpace(line))
			}
		}
	}
	return nil
}

// appendSet encodes SET key value as a RESP multibulk request.
func appendSet(b []byte, k, v string) []byte {
	b = resp.AppendArrayHeader(b, 3)
	b = resp.AppendBulk(b, "SET")
	b = resp.AppendBulk(b, k)
	return resp.AppendBulk(b, v)
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
