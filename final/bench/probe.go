package main

import (
	"fmt"
	"strings"
)

// probes hold, for each redis-benchmark test, a request using the same
// command on a key of its own. A server that answers "-ERR unknown
// command" cannot be benchmarked on that test: redis-benchmark counts
// error replies as requests served and would report a meaningless rate.
var probes = map[string][]string{
	"ping_inline": {"PING\r\n"},
	"ping_mbulk":  {request("PING")},
	"set":         {request("SET", "bench:probe:s", "x")},
	"get":         {request("GET", "bench:probe:s")},
	"incr":        {request("INCR", "bench:probe:n")},
	"lpush":       {request("LPUSH", "bench:probe:l", "x")},
	"rpush":       {request("RPUSH", "bench:probe:l", "x")},
	"lpop":        {request("LPOP", "bench:probe:l")},
	"rpop":        {request("RPOP", "bench:probe:l")},
	"sadd":        {request("SADD", "bench:probe:set", "x")},
	"hset":        {request("HSET", "bench:probe:h", "f", "x")},
	"spop":        {request("SPOP", "bench:probe:set")},
	"zadd":        {request("ZADD", "bench:probe:z", "1", "x")},
	"zpopmin":     {request("ZPOPMIN", "bench:probe:z")},
	"lrange":      {request("LPUSH", "bench:probe:l", "x"), request("LRANGE", "bench:probe:l", "0", "1")},
	"mset":        {request("MSET", "bench:probe:m", "x")},
}

// probeCleanup removes what the probes wrote, one key per DEL so that a
// server with a single-key DEL understands it.
var probeCleanup = []string{"bench:probe:s", "bench:probe:n", "bench:probe:l", "bench:probe:set", "bench:probe:h", "bench:probe:z", "bench:probe:m"}

// supportedTests splits tests into those the server on port understands
// and those it does not. Tests without a probe are assumed supported.
func supportedTests(port int, tests []string) (ok, missing []string, err error) {
	for _, t := range tests {
		reqs := probes[t]
		if strings.HasPrefix(t, "lrange") {
			reqs = probes["lrange"]
		}
		supported := true
		for _, req := range reqs {
			reply, err := roundTrip(port, req)
			if err != nil {
				return nil, nil, fmt.Errorf("probe %s: %w", t, err)
			}
			if strings.HasPrefix(reply, "-ERR unknown command") {
				supported = false
			}
		}
		if supported {
			ok = append(ok, t)
		} else {
			missing = append(missing, t)
		}
	}
	for _, k := range probeCleanup {
		roundTrip(port, request("DEL", k))
	}
	return ok, missing, nil
}

// request encodes a request as a RESP multibulk.
func request(args ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b.String()
}
