package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// SLOWLOG and LATENCY (final/slowlog, final/latency) against
// redis-server. Times and durations differ from run to run; the tests
// replace them, and the clients' ports, before comparing bytes.

// entryTimes are an entry's timestamp and duration in SLOWLOG GET.
var entryTimes = regexp.MustCompile(`\*6\r\n(:\d+\r\n):\d+\r\n:\d+\r\n`)

// peer is a client's address in a reply.
var peer = regexp.MustCompile(`\$\d+\r\n127\.0\.0\.1:\d+\r\n`)

func unTimed(reply string) string {
	reply = entryTimes.ReplaceAllString(reply, "*6\r\n${1}<time>\r\n<duration>\r\n")
	return peer.ReplaceAllString(reply, "<addr>\r\n")
}

// TestSlowlogLikeRedis: every command is slow with a threshold of 0;
// entries come newest first, with Redis's ids, truncations, redactions
// (AUTH, HELLO AUTH, CONFIG SET requirepass), client name, EXEC's
// commands but not EXEC, and Redis's errors.
func TestSlowlogLikeRedis(t *testing.T) {
	long := strings.Repeat("v", 200)
	mset := []string{"MSET"}
	for _, k := range strings.Fields("a b c d e f g h i j k l m n o p q") {
		mset = append(mset, k, "1")
	}
	cmds := [][]string{
		{"CONFIG", "SET", "slowlog-log-slower-than", "0"},
		{"SLOWLOG", "RESET"},
		{"CLIENT", "SETNAME", "me"},
		{"AUTH", "foo"},
		{"AUTH", "a", "b"},
		{"CONFIG", "SET", "requirepass", ""},
		{"SET", "k", long},
		mset,
		{"MULTI"}, {"SET", "x", "1"}, {"EXEC"},
		{"SLOWLOG", "LEN"},
		{"SLOWLOG", "GET", "-2"},
		{"SLOWLOG", "GET", "x"},
		{"SLOWLOG", "GET", "1", "2"},
		{"SLOWLOG"},
		{"SLOWLOG", "LEN", "x"},
		{"SLOWLOG", "GET", "0"},
		{"SLOWLOG", "GET", "-1"},
		{"SLOWLOG", "HELP"},
		{"CONFIG", "SET", "slowlog-max-len", "2"},
		{"SLOWLOG", "GET"},
		{"CONFIG", "SET", "slowlog-log-slower-than", "-1"},
		{"PING"},
		{"SLOWLOG", "GET"},
		{"SLOWLOG", "RESET"},
		{"SLOWLOG", "LEN"},
	}
	log := sameReplies(t, cmds, func(_ []string, reply string) string { return unTimed(reply) })
	if !strings.Contains(log, "... (72 more bytes)") || !strings.Contains(log, "... (4 more arguments)") {
		t.Errorf("long arguments not cut:\n%s", log)
	}
}

// TestLatencyWithoutSpikesLikeRedis: with the monitor off, then on with
// nothing slow enough, LATENCY answers as Redis does, errors included.
func TestLatencyWithoutSpikesLikeRedis(t *testing.T) {
	cmds := [][]string{
		{"LATENCY", "HELP"},
		{"LATENCY", "LATEST"},
		{"LATENCY", "DOCTOR"},
		{"LATENCY", "RESET"},
		{"LATENCY", "RESET", "command", "nosuch"},
		{"LATENCY", "HISTORY", "command"},
		{"LATENCY", "GRAPH", "command"},
		{"LATENCY", "NOSUCH"},
		{"LATENCY", "HISTOGRAM", "nosuch"},
		{"CONFIG", "GET", "latency-tracking-info-percentiles"},
		{"CONFIG", "SET", "latency-tracking-info-percentiles", "50.0 99 101"},
		{"CONFIG", "SET", "latency-tracking-info-percentiles", "x"},
		{"CONFIG", "SET", "latency-tracking-info-percentiles", "50.0 99.90"},
		{"CONFIG", "GET", "latency-tracking-info-percentiles"},
		{"CONFIG", "SET", "latency-monitor-threshold", "10000"},
		{"LATENCY", "DOCTOR"},
		{"LATENCY", "LATEST"},
	}
	sameReplies(t, cmds, nil)
}

// TestLatencySpikes: a command slower than latency-monitor-threshold is
// an event in LATEST, HISTORY, GRAPH and DOCTOR, in Redis's layout, and
// every call is in the histograms.
func TestLatencySpikes(t *testing.T) {
	addrs := map[string]string{"gocache": startProc(t, "--dir", t.TempDir()).Addr}
	if servertest.RedisPath() != "" {
		addrs["redis"] = servertest.StartRedis(t, "--enable-debug-command", "yes")
	}
	for name, addr := range addrs {
		c := servertest.Dial(t, addr)
		c.Do("CONFIG", "SET", "latency-monitor-threshold", "5")
		c.Do("DEBUG", "SLEEP", "0.02")
		c.Do("SET", "k", "v")
		latest := c.Do("LATENCY", "LATEST")
		if !regexp.MustCompile(`^\*1\r\n\*4\r\n\$7\r\ncommand\r\n:\d+\r\n:(\d+)\r\n:(\d+)\r\n$`).MatchString(latest) {
			t.Errorf("%s: LATENCY LATEST = %q", name, latest)
		}
		history := c.Do("LATENCY", "HISTORY", "command")
		if !regexp.MustCompile(`^\*1\r\n\*2\r\n:\d+\r\n:\d+\r\n$`).MatchString(history) {
			t.Errorf("%s: LATENCY HISTORY = %q", name, history)
		}
		graph := c.Do("LATENCY", "GRAPH", "command")
		if !regexp.MustCompile(`^\$\d+\r\ncommand - high \d+ ms, low \d+ ms \(all time high \d+ ms\)\n-{80}\n \n \n \n_\n \n(\d\n)+s\n\r\n$`).MatchString(graph) {
			t.Errorf("%s: LATENCY GRAPH = %q", name, graph)
		}
		doctor := c.Do("LATENCY", "DOCTOR")
		for _, want := range []string{
			"Dave, I have observed latency spikes in this Redis instance.",
			"\n\n1. command: 1 latency spikes (average ",
			"I have a few advices for you:\n\n- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 5000'.\n- Check your Slow Log",
		} {
			if !strings.Contains(doctor, want) {
				t.Errorf("%s: LATENCY DOCTOR = %q, want it to contain %q", name, doctor, want)
			}
		}
		hist := c.Do("LATENCY", "HISTOGRAM", "set", "debug")
		if !regexp.MustCompile(`^\*4\r\n\$3\r\nset\r\n\*4\r\n\$5\r\ncalls\r\n:1\r\n\$14\r\nhistogram_usec\r\n\*2\r\n:\d+\r\n:1\r\n\$5\r\ndebug\r\n\*4\r\n\$5\r\ncalls\r\n:1\r\n`).MatchString(hist) &&
			!regexp.MustCompile(`^\*4\r\n\$5\r\ndebug\r\n.*\$3\r\nset\r\n`).MatchString(hist) {
			t.Errorf("%s: LATENCY HISTOGRAM set debug = %q", name, hist)
		}
		info := c.Do("INFO", "latencystats")
		if !regexp.MustCompile(`\r\nlatency_percentiles_usec_set:p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}\r\n`).MatchString(info) {
			t.Errorf("%s: INFO latencystats = %q", name, info)
		}
		if got := c.Do("LATENCY", "RESET"); got != ":1\r\n" {
			t.Errorf("%s: LATENCY RESET = %q, want :1", name, got)
		}
	}
}
