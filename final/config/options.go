package config

import (
	"errors"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/notify"
	"math"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/12-rdb/save"
)

// maxInt is Redis's INT_MAX, the upper bound of most numeric options.
const maxInt = math.MaxInt32

// Options is the option table: every option gocache understands, with
// Redis's names, defaults, ranges and error texts. An option that is not
// here is refused ("Bad directive or wrong number of arguments"), so a
// configuration file written for Redis never silently means something else.
func Options() []*Option {
	return []*Option{
		// Network and security.
		{Name: "port", Kind: Int, Default: "6379", Min: 0, Max: 65535, Usage: "TCP port to listen on (0 picks a free one)"},
		{Name: "bind", Kind: String, Default: "127.0.0.1 -::1", Multi: true, Usage: "addresses to listen on, separated by spaces; a leading '-' makes one optional"},
		{Name: "protected-mode", Kind: Bool, Default: "yes", Mutable: true, Usage: "yes|no: without a password, refuse clients that are not on the loopback interface"},
		{Name: "requirepass", Kind: String, Default: "", Mutable: true, Usage: "password clients must send with AUTH before other commands"},
		{Name: "maxclients", Kind: Int, Default: "10000", Min: 1, Max: math.MaxUint32, Mutable: true, Usage: "most clients connected at once"},
		{Name: "timeout", Kind: Int, Default: "0", Min: 0, Max: maxInt, Mutable: true, Usage: "close a client idle for this many seconds (0: never)"},
		{Name: "client-query-buffer-limit", Kind: Memory, Default: "1gb", Min: 1 << 20, Max: math.MaxInt64, Mutable: true, Usage: "close a client whose unprocessed input grows past this"},
		{Name: "proto-max-bulk-len", Kind: Memory, Default: "512mb", Min: 1 << 20, Max: math.MaxInt64, Mutable: true, Usage: "largest bulk string a client may send"},
		{Name: "client-output-buffer-limit", Kind: Special, Default: "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60", Multi: true, Mutable: true, Parse: parseOutputLimits,
			Usage: "class hard soft seconds: close a client whose unsent output passes hard, or soft for longer than seconds"},

		// Process.
		{Name: "databases", Kind: Int, Default: "16", Min: 1, Max: maxInt, Usage: "number of databases (SELECT 0 .. n-1)"},
		{Name: "io-threads", Kind: Int, Default: "1", Min: 1, Max: 128, Usage: "goroutines that read, parse and write (1: the event loop alone)"},
		{Name: "hz", Kind: Int, Default: "10", Min: 0, Max: maxInt, Mutable: true, Parse: clampHz, Usage: "how often per second background tasks run (1..500)"},
		{Name: "busy-reply-threshold", Kind: Int, Default: "5000", Min: 0, Max: math.MaxInt64, Mutable: true, Usage: "milliseconds a script runs before other clients get -BUSY and SCRIPT KILL may stop it (alias lua-time-limit)"},
		{Name: "loglevel", Kind: Enum, Default: "notice", Values: []string{"debug", "verbose", "notice", "warning"}, Mutable: true, Usage: "debug|verbose|notice|warning"},
		{Name: "logfile", Kind: String, Default: "", Usage: "file to log to (empty: standard error)"},
		{Name: "pidfile", Kind: String, Default: "", Usage: "file to write the process id to (empty: none)"},
		{Name: "daemonize", Kind: Bool, Default: "no", Parse: onlyNo("gocache does not daemonize: run it under a supervisor (systemd, docker) instead"), Usage: "no (gocache stays in the foreground)"},

		// Memory.
		{Name: "maxmemory", Kind: Memory, Default: "0", Min: 0, Max: math.MaxInt64, Mutable: true, Usage: "memory limit for data (0: none)"},
		{Name: "maxmemory-policy", Kind: Enum, Default: "noeviction", Mutable: true,
			Values: []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"},
			Usage:  "what to do when maxmemory is reached"},
		{Name: "slowlog-log-slower-than", Kind: Int, Default: "10000", Min: -1, Max: math.MaxInt64, Mutable: true, Usage: "log commands that run this many microseconds or longer in SLOWLOG (-1: none)"},
		{Name: "slowlog-max-len", Kind: Int, Default: "128", Min: 0, Max: math.MaxInt64, Mutable: true, Usage: "entries SLOWLOG keeps"},
		{Name: "latency-monitor-threshold", Kind: Int, Default: "0", Min: 0, Max: math.MaxInt64, Mutable: true, Usage: "LATENCY samples events that take this many milliseconds or longer (0: none)"},
		{Name: "latency-tracking", Kind: Bool, Default: "yes", Mutable: true, Usage: "yes|no: keep a latency histogram per command (LATENCY HISTOGRAM, INFO latencystats)"},
		{Name: "latency-tracking-info-percentiles", Kind: Special, Default: "50 99 99.9", Multi: true, Mutable: true, Parse: parsePercentiles, Usage: "percentiles INFO latencystats reports"},
		{Name: "notify-keyspace-events", Kind: Special, Default: "", Mutable: true, Parse: parseNotify, Usage: "classes of keyspace events published on Pub/Sub, e.g. KEA (empty: none)"},
		{Name: "tracking-table-max-keys", Kind: Int, Default: "1000000", Min: 0, Max: math.MaxInt64, Mutable: true, Usage: "keys client-side caching remembers at most (0: no limit)"},
		{Name: "maxmemory-samples", Kind: Int, Default: "5", Min: 1, Max: maxInt, Mutable: true, Usage: "keys sampled per eviction"},

		// Persistence.
		{Name: "dir", Kind: String, Default: ".", Usage: "working directory; the AOF directory is created in it"},
		{Name: "appendonly", Kind: Bool, Default: "no", Usage: "yes|no: log every write to the append-only file and load it at start"},
		{Name: "appendfsync", Kind: Enum, Default: "everysec", Values: []string{"always", "everysec", "no"}, Mutable: true, Usage: "always|everysec|no: when the AOF is fsynced"},
		{Name: "appendfilename", Kind: String, Default: "appendonly.aof", Parse: fileName("appendfilename"), Usage: "base name of the AOF files"},
		{Name: "appenddirname", Kind: String, Default: "appendonlydir", Parse: fileName("appenddirname"), Usage: "directory, inside dir, that holds the AOF files"},
		{Name: "auto-aof-rewrite-percentage", Kind: Int, Default: "100", Min: 0, Max: maxInt, Mutable: true, Usage: "rewrite the AOF when it grew by this percentage (0: never)"},
		{Name: "auto-aof-rewrite-min-size", Kind: Memory, Default: "64mb", Min: 0, Max: math.MaxInt64, Mutable: true, Usage: "do not rewrite an AOF smaller than this"},
		{Name: "aof-use-rdb-preamble", Kind: Bool, Default: "yes", Mutable: true, Usage: "yes|no: the AOF rewrite writes its base in RDB format (appendonly.aof.N.base.rdb)"},
		{Name: "save", Kind: Special, Default: "3600 1 300 100 60 10000", Multi: true, Mutable: true, Parse: parseSave, Usage: `save points "seconds changes ...": BGSAVE when that many changes happened in that time ("" turns it off)`},
		{Name: "dbfilename", Kind: String, Default: "dump.rdb", Mutable: true, Parse: fileName("dbfilename"), Usage: "name of the RDB file, inside dir"},
		{Name: "rdbcompression", Kind: Bool, Default: "yes", Mutable: true, Usage: "yes|no: LZF-compress strings in RDB files"},
		{Name: "rdbchecksum", Kind: Bool, Default: "yes", Mutable: true, Usage: "yes|no: end RDB files with a CRC64"},
		{Name: "stop-writes-on-bgsave-error", Kind: Bool, Default: "yes", Mutable: true, Usage: "yes|no: refuse writes (MISCONF) after a failed background save"},
	}
}

// parseNotify checks notify-keyspace-events' letters and writes them as
// Redis shows them.
func parseNotify(v, _ string) (string, error) {
	classes, err := notify.ParseClasses(v)
	if err != nil {
		return "", err
	}
	return notify.FormatClasses(classes), nil
}

// parsePercentiles checks latency-tracking-info-percentiles: numbers
// from 0 to 100, "" for none.
func parsePercentiles(v, _ string) (string, error) {
	var out []string
	for _, f := range strings.Fields(v) {
		p, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return "", errors.New("Invalid latency-tracking-info-percentiles parameters")
		}
		if p < 0 || p > 100 {
			return "", errors.New("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
		}
		out = append(out, strconv.FormatFloat(p, 'f', -1, 64))
	}
	return strings.Join(out, " "), nil
}

// clampHz keeps hz within 1..500 as Redis does (it accepts any value and
// clamps it, with a warning).
func clampHz(v, _ string) (string, error) {
	n, _ := strconv.Atoi(v) // already checked by the Int kind
	n = min(max(n, 1), 500)
	return strconv.Itoa(n), nil
}

// onlyNo refuses "yes" for an option whose feature gocache does not have.
func onlyNo(why string) func(v, old string) (string, error) {
	return func(v, _ string) (string, error) {
		if v != "no" {
			return "", errors.New(why)
		}
		return v, nil
	}
}

// fileName refuses paths where Redis wants a bare file name.
func fileName(name string) func(v, old string) (string, error) {
	return func(v, _ string) (string, error) {
		if v == "" || strings.ContainsAny(v, `/\`) {
			return "", errors.New(name + " can't be a path, just a filename")
		}
		return v, nil
	}
}

// parseSave checks save points as Redis does and stores them in the form
// CONFIG GET shows ("3600 1 300 100", or "" for none).
func parseSave(v, _ string) (string, error) {
	points, err := save.ParsePoints(v)
	if err != nil {
		return "", err
	}
	return save.FormatPoints(points), nil
}
