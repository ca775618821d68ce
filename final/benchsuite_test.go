package main

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchSuite is redis-benchmark 7.0's default test list, as its -q lines
// name them; every one uses commands gocache serves.
var benchSuite = []string{
	"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP",
	"SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "LPUSH (needed to benchmark LRANGE)",
	"LRANGE_100 (first 100 elements)", "LRANGE_300 (first 300 elements)",
	"LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)", "MSET (10 keys)",
}

// benchLine is one finished test of redis-benchmark -q.
var benchLine = regexp.MustCompile(`^(.+): [0-9]+(\.[0-9]+)? requests per second`)

// TestRedisBenchmarkDefaultSuite runs redis-benchmark's default suite,
// small (-n 2000), against the built server: every test must finish with
// a rate and no error. It checks that the suite runs, not how fast
// (numbers live in docs/benchmarks.md).
func TestRedisBenchmarkDefaultSuite(t *testing.T) {
	bench, err := exec.LookPath("redis-benchmark")
	if err != nil {
		t.Skip("redis-benchmark not on PATH (Debian: apt-get install redis-tools)")
	}
	p := startProc(t, "--appendonly", "no")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bench, "-h", "127.0.0.1", "-p", strconv.Itoa(p.Port()), "-n", "2000", "-q").CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("redis-benchmark did not finish within 30 s; it printed:\n%s", out)
	}
	if err != nil {
		t.Fatalf("redis-benchmark: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		// -q rewrites a progress line with \r; the result is what follows
		// the last one.
		line = strings.TrimSpace(line[strings.LastIndexByte(line, '\r')+1:])
		if line == "" {
			continue
		}
		if strings.Contains(line, "ERR") || strings.Contains(strings.ToLower(line), "error") {
			t.Errorf("error: %q", line)
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("a line without a rate: %q", line)
			continue
		}
		seen[m[1]] = true
	}
	for _, name := range benchSuite {
		if !seen[name] {
			t.Errorf("test %q did not report a rate", name)
		}
	}
	if t.Failed() {
		t.Logf("redis-benchmark printed:\n%s\ngocache log:\n%s", out, p.Log)
	}
}
