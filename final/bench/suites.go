package main

import (
	"context"
	"crypto/sha1"
	"fmt"
	"strings"
	"time"
)

// runner runs suites and collects their results in report order.
type runner struct {
	opts    options
	bin     Binary
	results []Result
}

// benchTimeout bounds one redis-benchmark run.
const benchTimeout = 3 * time.Minute

// suite runs one suite by name; each starts and stops its own servers,
// so one suite's data or connections never weigh on the next.
func (r *runner) suite(ctx context.Context, name string) error {
	switch name {
	case "throughput":
		return r.throughput(ctx)
	case "conns":
		return r.conns(ctx)
	case "keys":
		return r.keys(ctx)
	case "aof":
		return r.aof(ctx)
	case "default-suite":
		return r.defaultSuite(ctx)
	case "values":
		return r.values(ctx)
	case "commands":
		return r.commands(ctx)
	case "replication":
		return r.replication(ctx)
	}
	return fmt.Errorf("unknown suite %q", name)
}

// requests scales the request count with the pipeline depth, so each
// run lasts about as long whatever the setting.
func (r *runner) requests(pipeline int) int {
	if pipeline > 1 {
		return r.opts.requests * 10
	}
	return r.opts.requests
}

// throughput runs --tests in the four settings that the throughput
// targets name: many clients, deep pipelines, and large values.
func (r *runner) throughput(ctx context.Context) error {
	g, red, err := pair(ctx, r.bin, Settings{})
	if err != nil {
		return err
	}
	defer g.Stop()
	defer red.Stop()
	for _, l := range []Load{{Clients: 50, Pipeline: 1}, {Clients: 50, Pipeline: 16}, {Clients: 500, Pipeline: 1}, {Clients: 50, Pipeline: 16, Size: 1024}} {
		l.Requests = r.requests(l.Pipeline)
		if err := r.compare(ctx, "throughput", l.String(), g, red, l, r.opts.tests, Target{RatioAtLeast, 1}); err != nil {
			return err
		}
	}
	return nil
}

// aof runs SET with the AOF on, once per fsync policy, each policy on a
// fresh pair of servers writing into their own temporary directories.
func (r *runner) aof(ctx context.Context) error {
	for _, policy := range []string{"always", "everysec", "no"} {
		g, red, err := pair(ctx, r.bin, Settings{AppendOnly: true, AppendFsync: policy})
		if err != nil {
			return err
		}
		for _, p := range []int{1, 16} {
			l := Load{Clients: 50, Pipeline: p, Requests: r.requests(p)}
			err = r.compare(ctx, "aof", "appendfsync "+policy+" "+l.String(), g, red, l, []string{"set"}, Target{RatioAtLeast, 1})
			if err != nil {
				break
			}
		}
		g.Stop()
		red.Stop()
		if err != nil {
			return err
		}
	}
	return nil
}

// defaultTests is what redis-benchmark runs without -t, spelled out so
// that unsupported commands can be left out of gocache's run.
var defaultTests = []string{"ping_inline", "ping_mbulk", "set", "get", "incr", "lpush", "rpush",
	"lpop", "rpop", "sadd", "hset", "spop", "zadd", "zpopmin",
	"lrange_100", "lrange_300", "lrange_500", "lrange_600", "mset"}

// defaultSuite runs redis-benchmark's default tests with 50 and 500
// clients, each without and with a pipeline of 16, with a quarter of
// the requests per test: the LRANGE tests are slow.
func (r *runner) defaultSuite(ctx context.Context) error {
	g, red, err := pair(ctx, r.bin, Settings{})
	if err != nil {
		return err
	}
	defer g.Stop()
	defer red.Stop()
	for _, l := range []Load{{Clients: 50, Pipeline: 1}, {Clients: 50, Pipeline: 16}, {Clients: 500, Pipeline: 1}, {Clients: 500, Pipeline: 16}} {
		l.Requests = max(1000, r.requests(l.Pipeline)/4)
		if err := r.compare(ctx, "default-suite", l.String(), g, red, l, defaultTests, Target{RatioAtLeast, 1}); err != nil {
			return err
		}
	}
	return nil
}

// values runs SET and GET with large values: 1 KiB without a pipeline
// (the throughput suite has it with -P 16) and 16 KiB with and without,
// where copying a value costs more than parsing its command. The 16 KiB
// runs send a tenth of the requests, which is still over 1.6 GB with
// -P 16.
func (r *runner) values(ctx context.Context) error {
	g, red, err := pair(ctx, r.bin, Settings{})
	if err != nil {
		return err
	}
	defer g.Stop()
	defer red.Stop()
	for _, l := range []Load{{Clients: 50, Pipeline: 1, Size: 1024}, {Clients: 50, Pipeline: 1, Size: 16 << 10}, {Clients: 50, Pipeline: 16, Size: 16 << 10}} {
		l.Requests = r.requests(l.Pipeline)
		if l.Size > 1024 {
			l.Requests = max(1000, l.Requests/10)
		}
		if err := r.compare(ctx, "values", l.String(), g, red, l, []string{"set", "get"}, Target{RatioAtLeast, 1}); err != nil {
			return err
		}
	}
	return nil
}

// incrScript is the script the EVALSHA row runs: one INCR, so that the
// row measures what a script costs over the command it calls.
const incrScript = "return redis.call('incr', KEYS[1])"

// benchCommand is one command of the commands suite: the arguments
// redis-benchmark sends, and a short name for the report.
type benchCommand struct {
	name string
	args []string
}

// commands runs commands redis-benchmark has no -t test for: XADD with
// an ID from the clock (a stream that grows by one entry per request,
// deleted before each run) and EVALSHA of a small script, loaded first
// on both servers, at -c 50 with -P 1 and -P 16.
func (r *runner) commands(ctx context.Context) error {
	g, red, err := pair(ctx, r.bin, Settings{})
	if err != nil {
		return err
	}
	defer g.Stop()
	defer red.Stop()
	sha := fmt.Sprintf("%x", sha1.Sum([]byte(incrScript)))
	for _, s := range []*Server{g, red} {
		reply, err := roundTrip(s.Port, request("SCRIPT", "LOAD", incrScript))
		if err != nil || reply != "$40" {
			return fmt.Errorf("%s: SCRIPT LOAD: %q %v", s.Name, reply, err)
		}
	}
	cmds := []benchCommand{
		{"XADD s * f v", []string{"XADD", "bench:stream", "*", "f", "v"}},
		{"EVALSHA (one INCR)", []string{"EVALSHA", sha, "1", "bench:counter"}},
	}
	for _, p := range []int{1, 16} {
		l := Load{Clients: 50, Pipeline: p, Requests: r.requests(p)}
		for _, c := range cmds {
			res := Result{Suite: "commands", Setting: l.String(), Test: c.name, Unit: "rps", Target: Target{RatioAtLeast, 1}}
			for round := 1; round <= r.opts.rounds; round++ {
				for _, s := range []*Server{g, red} {
					roundTrip(s.Port, request("DEL", "bench:stream"))
					rates, err := runCommandBenchmark(ctx, s.Port, l, c.args, benchTimeout)
					if err != nil {
						return fmt.Errorf("%s: %w", s.Name, err)
					}
					logf("commands %s round %d %s: %s %.0f", l, round, s.Name, c.name, rates[0].RPS)
					if s == g {
						res.Gocache = append(res.Gocache, rates[0].RPS)
					} else {
						res.Redis = append(res.Redis, rates[0].RPS)
					}
				}
			}
			r.results = append(r.results, res)
		}
	}
	return nil
}

// compare runs the same redis-benchmark load on both servers, rounds
// times, and appends one result per test. Each test runs on gocache and
// then at once on Redis, so the two numbers of a pair are taken within
// seconds of each other and drift on a shared machine hits both. Tests
// gocache does not support are run on Redis only and marked.
func (r *runner) compare(ctx context.Context, suite, setting string, g, red *Server, l Load, tests []string, target Target) error {
	_, missing, err := supportedTests(g.Port, tests)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		logf("gocache does not support %s: running them on redis only", strings.Join(missing, ", "))
	}
	var order []string
	results := map[string]*Result{}
	add := func(s *Server, rates []Rate) {
		for _, rt := range rates {
			res := results[rt.Test]
			if res == nil {
				res = &Result{Suite: suite, Setting: setting, Test: rt.Test, Unit: "rps", Target: target}
				results[rt.Test] = res
				order = append(order, rt.Test)
			}
			if s == g {
				res.Gocache = append(res.Gocache, rt.RPS)
			} else {
				res.Redis = append(res.Redis, rt.RPS)
			}
		}
	}
	for round := 1; round <= r.opts.rounds; round++ {
		for _, unit := range benchUnits(tests) {
			for _, s := range []*Server{g, red} {
				if s == g && contains(missing, unit[0]) {
					continue
				}
				rates, err := runBenchmark(ctx, s.Port, l, unit, benchTimeout)
				if err != nil {
					return fmt.Errorf("%s: %w", s.Name, err)
				}
				logf("%s %s round %d %s: %s", suite, setting, round, s.Name, formatRates(rates))
				add(s, rates)
			}
		}
	}
	for _, k := range order {
		res := results[k]
		if len(res.Gocache) == 0 {
			res.Note = "unsupported by gocache"
		}
		r.results = append(r.results, *res)
	}
	return nil
}

// benchUnits splits tests into redis-benchmark runs of one test each,
// except that the LRANGE tests share one run: redis-benchmark fills their
// list with an LPUSH test first, which would otherwise run (and be
// reported) once per LRANGE test.
func benchUnits(tests []string) [][]string {
	var units [][]string
	lrange := -1
	for _, t := range tests {
		if strings.HasPrefix(t, "lrange") {
			if lrange >= 0 {
				units[lrange] = append(units[lrange], t)
				continue
			}
			lrange = len(units)
		}
		units = append(units, []string{t})
	}
	return units
}

func formatRates(rates []Rate) string {
	s := make([]string, len(rates))
	for i, rt := range rates {
		name, _, _ := strings.Cut(rt.Test, " ")
		s[i] = fmt.Sprintf("%s=%.0f", name, rt.RPS)
	}
	return strings.Join(s, " ")
}

// conns measures RSS per idle connection on a fresh pair of servers.
func (r *runner) conns(ctx context.Context) error {
	return r.memory(ctx, "conns", fmt.Sprintf("%d idle connections", r.opts.conns), "B/conn", Target{GocacheAtMost, 1024},
		func(s *Server) (float64, bool, error) { return idleConnMemory(ctx, s, r.opts.conns, logf) })
}

// keys measures RSS per key on a fresh pair of servers.
func (r *runner) keys(ctx context.Context) error {
	return r.memory(ctx, "keys", fmt.Sprintf("%d keys, 16 B keys, 32 B values", r.opts.keys), "B/key", Target{RatioAtMost, 1.1},
		func(s *Server) (float64, bool, error) { return keyMemory(ctx, s, r.opts.keys, logf) })
}

// memory runs one memory measurement on gocache, then on Redis. Memory
// does not drift the way throughput does, and a second round on the same
// server would measure reused allocator space, so there is one round.
func (r *runner) memory(ctx context.Context, suite, setting, unit string, target Target, measure func(*Server) (float64, bool, error)) error {
	g, red, err := pair(ctx, r.bin, Settings{})
	if err != nil {
		return err
	}
	defer g.Stop()
	defer red.Stop()
	res := Result{Suite: suite, Setting: setting, Test: "RSS growth", Unit: unit, Target: target}
	var unsettled []string
	for _, s := range []*Server{g, red} {
		v, settled, err := measure(s)
		if err != nil {
			return err
		}
		if s == g {
			res.Gocache = []float64{v}
		} else {
			res.Redis = []float64{v}
		}
		if !settled {
			unsettled = append(unsettled, s.Name)
		}
	}
	if len(unsettled) > 0 {
		res.Note = "RSS of " + strings.Join(unsettled, " and ") + " still moving"
	}
	r.results = append(r.results, res)
	return nil
}
