package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// replication measures a primary with one replica of its own kind
// (gocache of gocache, redis-server of redis-server), on fresh servers
// each round:
//
//   - full sync: the time from REPLICAOF to a replica that is online
//     (master_link_status:up) and holds every key, with --keys keys of
//     the keys suite's shapes on the primary;
//   - write throughput with the replica attached: SET at -c 50 -P 16;
//   - replication lag under that load: the primary's master_repl_offset
//     minus the replica's slave_repl_offset read just after it, sampled
//     every 20 ms while redis-benchmark runs, as a mean in bytes (most
//     samples of a replica that keeps up are 0, so a median says little).
//
// A gocache without replication (REPLICAOF is an unknown command) is
// measured on Redis's side only, and its rows are marked.
func (r *runner) replication(ctx context.Context) error {
	full := Result{Suite: "replication", Setting: fmt.Sprintf("%d keys, 16 B keys, 32 B values", r.opts.keys),
		Test: "full sync time", Unit: "s", Target: Target{RatioAtMost, 1}}
	load := Load{Clients: 50, Pipeline: 16, Requests: r.requests(16)}
	rate := Result{Suite: "replication", Setting: "one replica, " + load.String(), Test: "SET", Unit: "rps", Target: Target{RatioAtLeast, 1}}
	lag := Result{Suite: "replication", Setting: "one replica, " + load.String(), Test: "SET lag (mean)", Unit: "B", Target: Target{RatioAtMost, 1}}
	supported := true
	for round := 1; round <= r.opts.rounds; round++ {
		for _, name := range []string{"gocache", "redis"} {
			if name == "gocache" && !supported {
				continue
			}
			m, err := r.replicationRound(ctx, name, load)
			if err == errNoReplication {
				logf("gocache does not replicate (REPLICAOF is unknown): running the replication suite on redis only")
				supported = false
				continue
			}
			if err != nil {
				return err
			}
			logf("replication round %d %s: full sync %.2fs, SET %.0f rps, lag mean %.0f B", round, name, m.sync.Seconds(), m.rps, m.lag)
			if name == "gocache" {
				full.Gocache, rate.Gocache, lag.Gocache = append(full.Gocache, m.sync.Seconds()), append(rate.Gocache, m.rps), append(lag.Gocache, m.lag)
			} else {
				full.Redis, rate.Redis, lag.Redis = append(full.Redis, m.sync.Seconds()), append(rate.Redis, m.rps), append(lag.Redis, m.lag)
			}
		}
	}
	for _, res := range []*Result{&full, &rate, &lag} {
		if !supported {
			res.Note = "unsupported by gocache"
		}
		r.results = append(r.results, *res)
	}
	return nil
}

// errNoReplication is replicationRound's answer for a server without
// REPLICAOF.
var errNoReplication = fmt.Errorf("no REPLICAOF")

// replicaMeasures are one round's numbers for one kind of server.
type replicaMeasures struct {
	sync time.Duration
	rps  float64
	lag  float64
}

// replicationRound starts a primary and a replica of the named kind,
// fills the primary, and takes the three measures.
func (r *runner) replicationRound(ctx context.Context, name string, load Load) (replicaMeasures, error) {
	var m replicaMeasures
	bin := Binary{}
	if name == "gocache" {
		bin = r.bin
	}
	primary, err := startServer(ctx, name, bin, Settings{Primary: true})
	if err != nil {
		return m, err
	}
	defer primary.Stop()
	replica, err := startServer(ctx, name, bin, Settings{})
	if err != nil {
		return m, err
	}
	defer replica.Stop()
	if err := fill(primary.Port, r.opts.keys, 3*time.Minute); err != nil {
		return m, fmt.Errorf("%s: fill: %w", name, err)
	}
	start := time.Now()
	reply, err := roundTrip(replica.Port, request("REPLICAOF", "127.0.0.1", strconv.Itoa(primary.Port)))
	if err != nil {
		return m, err
	}
	if strings.HasPrefix(reply, "-ERR unknown command") {
		return m, errNoReplication
	}
	if reply != "+OK" {
		return m, fmt.Errorf("%s: REPLICAOF answered %q", name, reply)
	}
	if err := waitInSync(ctx, replica, r.opts.keys, 5*time.Minute); err != nil {
		return m, err
	}
	m.sync = time.Since(start)
	m.rps, m.lag, err = lagUnderLoad(ctx, primary, replica, load)
	return m, err
}

// waitInSync polls the replica until its link is up, no sync is in
// progress and it holds n keys.
func waitInSync(ctx context.Context, replica *Server, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		info, err := infoFields(replica.Port, "replication")
		if err == nil && info["master_link_status"] == "up" && info["master_sync_in_progress"] == "0" {
			if size, err := roundTrip(replica.Port, request("DBSIZE")); err == nil && size == ":"+strconv.Itoa(n) {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s replica not in sync within %v (INFO replication: %v)", replica.Name, timeout, info)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lagUnderLoad runs SET with redis-benchmark on the primary and samples
// how many bytes of the stream the replica has not applied yet.
func lagUnderLoad(ctx context.Context, primary, replica *Server, load Load) (rps, lag float64, err error) {
	done := make(chan struct{})
	var rates []Rate
	var benchErr error
	go func() {
		defer close(done)
		rates, benchErr = runBenchmark(ctx, primary.Port, load, []string{"set"}, benchTimeout)
	}()
	var samples []float64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for sampling := true; sampling; {
		select {
		case <-done:
			sampling = false
		case <-tick.C:
			p, errP := infoFields(primary.Port, "replication")
			q, errQ := infoFields(replica.Port, "replication")
			if errP != nil || errQ != nil {
				continue
			}
			po, _ := strconv.ParseFloat(p["master_repl_offset"], 64)
			qo, _ := strconv.ParseFloat(q["slave_repl_offset"], 64)
			samples = append(samples, max(0, po-qo))
		}
	}
	if benchErr != nil {
		return 0, 0, fmt.Errorf("%s: %w", primary.Name, benchErr)
	}
	if len(rates) != 1 {
		return 0, 0, fmt.Errorf("%s: redis-benchmark gave %d rates", primary.Name, len(rates))
	}
	return rates[0].RPS, mean(samples), nil
}

// infoFields sends INFO section and returns its "name:value" lines.
func infoFields(port int, section string) (map[string]string, error) {
	c, err := net.DialTimeout("tcp", addr(port), time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(request("INFO", section))); err != nil {
		return nil, err
	}
	rd := bufio.NewReader(c)
	head, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(head, "$") {
		return nil, fmt.Errorf("INFO answered %q", strings.TrimSpace(head))
	}
	n, err := strconv.Atoi(strings.TrimSpace(head[1:]))
	if err != nil {
		return nil, err
	}
	body := make([]byte, n+2)
	if _, err := io.ReadFull(rd, body); err != nil {
		return nil, err
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(body), "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = v
		}
	}
	return fields, nil
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}
