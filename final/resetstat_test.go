package main

import (
	"regexp"
	"slices"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// CONFIG RESETSTAT clears what Redis's clears: the stats counters, the
// command and error statistics, and the latency histograms; only CONFIG
// RESETSTAT's own call is left.
func TestConfigResetStatLikeRedis(t *testing.T) {
	g := startProc(t)
	p := servertest.DialPair(t, g.Addr, servertest.StartRedis(t))
	for _, cmd := range [][]string{{"SET", "a", "1"}, {"GET", "a"}, {"GET", "b"}, {"LPUSH", "a", "x"}, {"NOSUCH"}} {
		p.Same(cmd...)
	}
	p.Same("CONFIG", "RESETSTAT")
	names := regexp.MustCompile(`(?m)^(\w+(?:\|\w+)?)[:_]`)
	for _, stat := range []string{"keyspace_hits", "keyspace_misses", "total_error_replies", "total_commands_processed", "instantaneous_ops_per_sec"} {
		want := regexp.MustCompile(stat + `:\d+`).FindString(p.Redis.Do("INFO", "stats"))
		if got := regexp.MustCompile(stat + `:\d+`).FindString(p.Go.Do("INFO", "stats")); got != want {
			t.Errorf("after CONFIG RESETSTAT %s, redis-server has %s", got, want)
		}
	}
	for _, section := range []string{"commandstats", "errorstats", "latencystats"} {
		lines := func(c *servertest.Conn) []string {
			var out []string
			for _, m := range names.FindAllStringSubmatch(c.Do("INFO", section), -1) {
				out = append(out, m[1])
			}
			slices.Sort(out) // Redis lists them in its command dict's order
			return out
		}
		if got, want := lines(p.Go), lines(p.Redis); !slices.Equal(got, want) {
			t.Errorf("INFO %s after CONFIG RESETSTAT:\n gocache %q\n redis   %q", section, got, want)
		}
	}
}
