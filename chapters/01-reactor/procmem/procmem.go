// Package procmem holds what a memory measurement needs around the server
// it measures: the server's resident memory read from /proc, many idle
// connections to it, and a file-descriptor limit high enough to open
// them. Chapter 1's cmd/connmem and final/bench both measure this way.
package procmem

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// RSS is a process's resident set size in bytes (VmRSS in
// /proc/<pid>/status).
func RSS(pid int) (int64, error) { return status(pid, "VmRSS:") }

// PeakRSS is the highest resident set size the process has had, in bytes
// (VmHWM, the high-water mark).
func PeakRSS(pid int) (int64, error) { return status(pid, "VmHWM:") }

// status reads one "Name: N kB" line of /proc/<pid>/status in bytes.
func status(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == field {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", strings.TrimSuffix(field, ":"))
}

// DialIdle opens n connections to addr that the caller keeps idle, a few
// at a time so that the listen backlog never overflows, within timeout
// overall. On an error it returns the connections it did open, which the
// caller closes too.
func DialIdle(addr string, n int, timeout time.Duration) ([]net.Conn, error) {
	deadline := time.Now().Add(timeout)
	conns := make([]net.Conn, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || time.Now().After(deadline) {
					return
				}
				c, err := net.DialTimeout("tcp", addr, 10*time.Second)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	out := conns[:0]
	for _, c := range conns {
		if c != nil {
			out = append(out, c)
		}
	}
	if firstErr == nil && len(out) < n {
		firstErr = fmt.Errorf("timed out after %v", timeout)
	}
	return out, firstErr
}
