// Command bench measures gocache against redis-server 7 side by side and
// prints gocache/redis ratios as Markdown tables (and CSV):
//
//	go run ./final/bench --csv docs/bench/results.csv
//
// It builds gocache once, starts it and redis-server with the same
// settings on free ports of 127.0.0.1, and runs the same load on both.
// Throughput settings alternate the servers round by round (gocache,
// redis, gocache, redis, ...) so that drift on a shared machine hits both
// sides, and report the median of the rounds. Suites:
//
//	throughput     redis-benchmark -c 50 -P 1, -c 50 -P 16, -c 500 -P 1, -c 50 -P 16 -d 1024
//	conns          RSS per idle connection with 10,000 connections open
//	keys           RSS per key after 1,000,000 SETs (16-byte keys, 32-byte values)
//	aof            SET with --appendonly yes and each --appendfsync policy, -P 1 and -P 16
//	default-suite  redis-benchmark's default tests (ping ... lrange_600, mset), -c 50 and -c 500, -P 1 and -P 16
//	values         SET and GET with 1 KiB values at -P 1, 16 KiB values at -P 1 and -P 16
//	commands       XADD s * f v and EVALSHA of a one-INCR script, -c 50 -P 1 and -P 16
//	replication    a primary and one replica of each kind: full sync of --keys keys, SET -P 16 and the lag meanwhile
//
// docs/benchmarks.md explains the method and shows the results.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/procmem"
)

// options are the command-line flags.
type options struct {
	rounds   int
	requests int
	tests    []string
	suites   []string
	pkg      string
	csvPath  string
	conns    int
	keys     int
	quick    bool
}

var allSuites = []string{"throughput", "conns", "keys", "aof", "default-suite", "values", "commands", "replication"}

func main() {
	var o options
	var tests, suites string
	flag.IntVar(&o.rounds, "rounds", 3, "rounds per setting; each round runs gocache then redis")
	flag.IntVar(&o.requests, "requests", 100000, "requests per -P 1 run (pipelined runs send 10x, the default suite 1/4)")
	flag.StringVar(&tests, "tests", "set,get", "redis-benchmark tests for the throughput suite")
	flag.StringVar(&suites, "suites", strings.Join(allSuites, ","), "suites to run, comma-separated")
	flag.StringVar(&o.pkg, "gocache-pkg", "./final", "gocache main package to build and measure")
	flag.StringVar(&o.csvPath, "csv", "", "also write the results as CSV to this file")
	flag.IntVar(&o.conns, "conns", 10000, "idle connections for the conns suite")
	flag.IntVar(&o.keys, "keys", 1000000, "keys for the keys suite")
	flag.BoolVar(&o.quick, "quick", false, "a smoke run: 1 round, 10,000 requests, 1,000 connections, 100,000 keys")
	flag.Parse()
	o.tests, o.suites = splitList(tests), splitList(suites)
	if o.quick {
		o.rounds, o.requests, o.conns, o.keys = 1, 10000, 1000, 100000
	}
	for _, s := range o.suites {
		if !contains(allSuites, s) {
			log.Fatalf("unknown suite %q (have %s)", s, strings.Join(allSuites, ", "))
		}
	}
	if o.rounds < 1 || o.requests < 1 {
		log.Fatal("--rounds and --requests must be positive")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run builds gocache, runs the suites and prints the report. A failing
// suite is reported and the others still run; the error says which failed.
func run(ctx context.Context, o options, out io.Writer) error {
	for _, tool := range []string{"redis-server", "redis-benchmark"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not on PATH: install redis-server 7 (apt-get install redis-server redis-tools)", tool)
		}
	}
	limit, err := procmem.RaiseFileLimit()
	if err != nil {
		return err
	}
	if contains(o.suites, "conns") && limit < uint64(o.conns)+100 {
		return fmt.Errorf("the conns suite needs %d file descriptors, RLIMIT_NOFILE allows %d: raise `ulimit -Hn` or pass --conns", o.conns+100, limit)
	}
	tmp, err := os.MkdirTemp("", "gocache-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	logf("building %s", o.pkg)
	bin, err := buildGocache(ctx, o.pkg, tmp)
	if err != nil {
		return err
	}
	r := runner{opts: o, bin: bin}
	var failed []string
	start := time.Now()
	for _, s := range o.suites {
		t0 := time.Now()
		logf("suite %s", s)
		if err := r.suite(ctx, s); err != nil {
			logf("suite %s failed: %v", s, err)
			failed = append(failed, s)
		}
		logf("suite %s done in %v", s, time.Since(t0).Round(time.Second))
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	fmt.Fprintf(out, "## gocache vs redis-server: ratios\n\n%s\n", machine(o, time.Since(start)))
	WriteMarkdown(out, r.results)
	if o.csvPath != "" {
		f, err := os.Create(o.csvPath)
		if err != nil {
			return err
		}
		if err := WriteCSV(f, r.results); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		logf("wrote %s", o.csvPath)
	}
	if len(failed) > 0 {
		return fmt.Errorf("suites failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

// machine describes where and how the numbers were taken.
func machine(o options, took time.Duration) string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel := "unknown kernel"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = "Linux " + strings.TrimSpace(string(b))
	}
	redis := "redis-server (version unknown)"
	if b, err := exec.Command("redis-server", "--version").Output(); err == nil {
		redis = strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("- machine: %s, %d CPUs, %s\n- %s\n- %s; gocache package %s\n- %d round(s), %d requests per -P 1 run; took %v\n",
		cpu, runtime.NumCPU(), kernel, redis, runtime.Version(), o.pkg, o.rounds, o.requests, took.Round(time.Second))
}

// logf reports progress on stderr, so stdout holds only the report.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
