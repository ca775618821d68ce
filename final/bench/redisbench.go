package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Load is one redis-benchmark setting: the flags that shape the load.
type Load struct {
	Clients  int // -c
	Pipeline int // -P
	Size     int // -d, value size in bytes (0 = redis-benchmark's default of 3)
	Requests int // -n
}

// String is the setting as a reader would type it, e.g. "-c 50 -P 16 -d 1024".
func (l Load) String() string {
	s := fmt.Sprintf("-c %d -P %d", l.Clients, l.Pipeline)
	if l.Size > 0 {
		s += fmt.Sprintf(" -d %d", l.Size)
	}
	return s
}

// Rate is one line of redis-benchmark's CSV: a test as redis-benchmark
// names it ("SET", "LRANGE_100 (first 100 elements)") and its requests
// per second.
type Rate struct {
	Test string
	RPS  float64
}

// runBenchmark runs redis-benchmark against the port for the given tests
// and returns the rates in the order redis-benchmark ran them. The
// timeout bounds a run against a server that stops answering.
func runBenchmark(ctx context.Context, port int, l Load, tests []string, timeout time.Duration) ([]Rate, error) {
	return benchmark(ctx, benchArgs(port, l, tests, nil), timeout)
}

// runCommandBenchmark runs redis-benchmark with one command of its own
// (redis-benchmark ... XADD s * f v) in place of its tests; the one rate
// is named after the command, as redis-benchmark names it.
func runCommandBenchmark(ctx context.Context, port int, l Load, command []string, timeout time.Duration) ([]Rate, error) {
	return benchmark(ctx, benchArgs(port, l, nil, command), timeout)
}

// benchArgs is redis-benchmark's command line for a load: the -t tests,
// or a command of its own after the options.
func benchArgs(port int, l Load, tests, command []string) []string {
	args := []string{"-h", "127.0.0.1", "-p", strconv.Itoa(port),
		"-c", strconv.Itoa(l.Clients), "-P", strconv.Itoa(l.Pipeline),
		"-n", strconv.Itoa(l.Requests), "--csv"}
	if l.Size > 0 {
		args = append(args, "-d", strconv.Itoa(l.Size))
	}
	if len(command) > 0 {
		return append(args, command...)
	}
	return append(args, "-t", strings.Join(tests, ","))
}

func benchmark(ctx context.Context, args []string, timeout time.Duration) ([]Rate, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "redis-benchmark", args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("redis-benchmark %s: no result within %v", strings.Join(args, " "), timeout)
		}
		return nil, fmt.Errorf("redis-benchmark %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	rows, err := parseBenchmarkCSV(&out)
	if err != nil {
		return nil, fmt.Errorf("redis-benchmark %s: %w", strings.Join(args, " "), err)
	}
	return rows, nil
}

// parseBenchmarkCSV reads `redis-benchmark --csv` output:
//
//	"test","rps","avg_latency_ms",...
//	"SET","81234.57","0.321",...
//
// The rps column is found by its header name, so a redis-benchmark that
// adds or reorders latency columns still parses.
func parseBenchmarkCSV(r io.Reader) ([]Rate, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("empty CSV output")
	}
	if err != nil {
		return nil, err
	}
	testCol, rpsCol := -1, -1
	for i, h := range header {
		switch strings.TrimSpace(h) {
		case "test":
			testCol = i
		case "rps":
			rpsCol = i
		}
	}
	if testCol < 0 || rpsCol < 0 {
		return nil, fmt.Errorf("CSV header %q has no \"test\" and \"rps\" columns", header)
	}
	var rows []Rate
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) <= max(testCol, rpsCol) {
			return nil, fmt.Errorf("short CSV line %q", rec)
		}
		rps, err := strconv.ParseFloat(rec[rpsCol], 64)
		if err != nil {
			return nil, fmt.Errorf("test %q: rps %q is not a number", rec[testCol], rec[rpsCol])
		}
		rows = append(rows, Rate{rec[testCol], rps})
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("CSV output has no results")
	}
	return rows, nil
}
