// Command gocache is the complete server: a Redis-compatible cache that
// keeps its data in an append-only file.
//
//	go run ./final [path/to/gocache.conf] [--option value ...]
//
// Where a request goes: the reactor (chapter 01) accepts the connection and
// reads its bytes; package server (chapter 02) cuts them into commands and
// takes each through its command path (server/path.go): lookup, auth, the
// pre-checks of the layers composed in run (transactions, maxmemory, the
// AOF's disk errors, pub/sub), CLIENT PAUSE, then queue or call. The
// command runs on the loop goroutine; its change goes to the AOF, from
// the one propagation point of server/call.go, before its reply leaves.
package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/04-aof/aof"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/05-aof-rewrite/rewrite"
	"github.com/gocache/gocache/chapters/06-lists/block"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/sortcmd"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/09-compact/bitcmd"
	"github.com/gocache/gocache/chapters/09-compact/hllcmd"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/multi"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/notify"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/tracking"
	"github.com/gocache/gocache/chapters/11-eviction/db"
	"github.com/gocache/gocache/chapters/11-eviction/evict"
	"github.com/gocache/gocache/chapters/12-rdb/rdbvalue"
	"github.com/gocache/gocache/chapters/12-rdb/save"
	"github.com/gocache/gocache/chapters/15-scripting/scripting"
	"github.com/gocache/gocache/final/admin"
	"github.com/gocache/gocache/final/config"
	"github.com/gocache/gocache/final/latency"
	"github.com/gocache/gocache/final/slowlog"
	"github.com/gocache/gocache/final/standalone"
	"github.com/gocache/gocache/final/stream"
)

// fullVersion names gocache's version and the Redis it answers like.
var fullVersion = fmt.Sprintf("gocache %s (Redis %s compatible)", admin.Version, server.Version)

func main() {
	path, args := config.SplitConfigPath(os.Args)
	app := &cli.App{
		Name:      "gocache",
		Usage:     "a Redis-compatible server; options as in redis.conf",
		ArgsUsage: "[path/to/gocache.conf]",
		Version:   fullVersion,
		Flags:     config.Flags(),
		// A bad flag is returned, not printed with the usage: main prints
		// it once, as one line.
		HideHelpCommand: true,
		OnUsageError:    func(_ *cli.Context, err error, _ bool) error { return fmt.Errorf("gocache: %w", err) },
		Action:          func(ctx *cli.Context) error { return run(path, ctx) },
	}
	if err := app.Run(args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the life of the server: options, layers, serve, stop.
//
// The layers are composed here, all of them. Each takes its own places on
// the command path (chapter 02's path.go: transactions, maxmemory,
// persistence, pub/sub context, CLIENT PAUSE, blocked clients ...) and
// observes the keyspace through one list of observers, so the order of
// the layers between cfg.Register and registerPersistence does not
// change what the server does. What must come first comes first: the
// databases, which the others observe, and the option registry, which
// they read; and persistence comes last, since loading the AOF replays
// every command.
func run(path string, ctx *cli.Context) error {
	cfg, err := loadConfig(path, ctx)
	if err != nil {
		return err
	}
	log, logFile, err := cfg.Logger()
	if err != nil {
		return err
	}
	defer logFile.Close()
	s, err := server.New(server.Options{
		Listen:    server.ListenAddrs(cfg.Get("bind"), int(cfg.Int("port"))),
		IOThreads: int(cfg.Int("io-threads")),
		Log:       log,
	})
	if err != nil {
		return err
	}
	ca := cache.Register(s, databases(cfg)...) // chapter 03: the keyspace, strings, expiry
	cfg.Register(s)                            // CONFIG GET/SET: every option
	adm := admin.Register(s, cfg)              // CLIENT, INFO, MONITOR, SHUTDOWN; admission, pause, output limits
	keys := db.Register(s, ca)                 // chapter 11: the rest of the key and string commands
	lists := list.Register(s, ca)              // chapter 06: lists (07: hashes, sets; 08: sorted sets)
	zsets := zset.Register(s, ca)              // chapter 08: sorted sets
	zsets.RegisterGeo(s)                       // GEOADD, GEOSEARCH ...: positions in sorted sets
	bitcmd.Register(s, ca)                     // chapter 09: bitmaps, on strings
	hllcmd.Register(s, ca)                     // chapter 09: HyperLogLog, on strings
	types := rdbvalue.Types{Lists: lists, Hashes: hash.Register(s, ca), Sets: set.Register(s, ca), ZSets: zsets}
	rdbvalue.Register(s, keys, types)                                     // chapter 12: DUMP and RESTORE, in its RDB format
	sortcmd.Register(s, ca, lists)                                        // chapter 08: SORT and SORT_RO
	ev := evict.New(s, ca, cfg)                                           // maxmemory: evict, or refuse writes with -OOM
	multi.Register(s, ca)                                                 // MULTI/EXEC and WATCH
	ps := pubsub.Register(s)                                              // SUBSCRIBE, PUBLISH and subscribed mode
	ev.Evicted = followNotify(cfg, notify.Register(s, ca, ps)).KeyEvicted // chapter 10: keyspace notifications, on Pub/Sub
	ps.Limit = pubsub.Limit{}                                             // admin enforces client-output-buffer-limit for every class
	blk := block.Register(s, ca, lists)                                   // BLPOP and friends, woken by writes
	zsets.BlockIn(blk)                                                    // BZPOPMIN, BZPOPMAX and BZMPOP wait there too
	stream.Register(s, ca).BlockIn(blk)                                   // streams, whose XREAD and XREADGROUP block there
	adm.UseTracking(followTracking(cfg, tracking.Register(s, ca)))        // chapter 10: CLIENT TRACKING, client-side caching
	followIntrospection(cfg, slowlog.Register(s), latency.Register(s))    // SLOWLOG, LATENCY
	standalone.Register(s)                                                // CLUSTER, READONLY, MODULE: no cluster, no modules
	scr := scripting.Register(s, scriptingConfig(cfg))                    // chapter 15: EVAL, FCALL, SCRIPT, FUNCTION
	saver, err := registerPersistence(s, cfg, ca, types, scr)             // chapters 04, 05 and 12: load the data, append, rewrite, save
	if err != nil {
		return err
	}
	adm.AddDebug("reload", admin.DebugSub{Run: saver.Reload,
		Help: []string{"RELOAD", "    Save the RDB on disk and reload it back to memory."}})
	if err := writePidFile(cfg.Get("pidfile")); err != nil {
		return err
	}
	defer removePidFile(cfg.Get("pidfile"))
	log.Infof("%s pid=%d port=%s mode=standalone", fullVersion, os.Getpid(), port(s))
	log.Infof("Ready to accept connections tcp on %s", strings.Join(s.Addrs(), ", "))
	return server.Serve(s)
}

// loadConfig reads the options: defaults, then the file, then the flags.
func loadConfig(path string, ctx *cli.Context) (*config.Values, error) {
	cfg := config.New()
	if err := config.NoArguments(ctx); err != nil {
		return nil, err
	}
	if path != "" {
		if err := cfg.LoadFile(path); err != nil {
			var fe *config.FileError
			if errors.As(err, &fe) {
				return nil, cli.Exit(fe.Report(fullVersion), 1)
			}
			return nil, cli.Exit("Fatal error, "+err.Error(), 1)
		}
	}
	if err := cfg.ApplyFlags(ctx); err != nil {
		return nil, cli.Exit(fmt.Sprintf("\n*** FATAL CONFIG ERROR (%s) ***\n%v\n", fullVersion, err), 1)
	}
	if err := cfg.CheckDir(); err != nil {
		return nil, cli.Exit(fmt.Sprintf("\n*** FATAL CONFIG ERROR (%s) ***\n%v\n", fullVersion, err), 1)
	}
	return cfg, nil
}

// scriptingConfig is chapter 15's options from the configuration.
func scriptingConfig(cfg *config.Values) scripting.Config {
	return scripting.Config{BusyReplyThreshold: time.Duration(cfg.Int("busy-reply-threshold")) * time.Millisecond}
}

// databases are --databases empty databases.
func databases(cfg *config.Values) []*keyspace.DB {
	return keyspace.NewDatabases(int(cfg.Int("databases")))
}

// registerPersistence is chapters 04, 05 and 12: load the AOF (with
// appendonly yes) or dump.rdb (with appendonly no) into the keyspace,
// then log every change, rewrite the log when it grows, and save RDB
// snapshots at the save points. It must come after the commands, which
// loading the AOF replays. The rewrite writes strings itself;
// typecmd.AppendRewrite gives it the other four types when its base is
// commands (aof-use-rdb-preamble no), rdbvalue when it is RDB; the
// scripting layer gives a base of commands the function libraries first.
func registerPersistence(s *server.Server, cfg *config.Values, ca *cache.Cache, types rdbvalue.Types, scr *scripting.Scripting) (*save.Saver, error) {
	policy, err := aof.ParsePolicy(cfg.Get("appendfsync"))
	if err != nil {
		return nil, err
	}
	loader := save.NewLoader(s, ca.DBs, types)
	loader.UseFunctions(scr) // the libraries are in dump.rdb and an RDB base too
	p, err := persistence.Setup(s, persistence.Config{
		AppendOnly:  cfg.Bool("appendonly"),
		Dir:         cfg.Get("dir"),
		FileName:    cfg.Get("appendfilename"),
		DirName:     cfg.Get("appenddirname"),
		AppendFsync: policy,
		LoadRDB:     loader.AOFBase,
	})
	if err != nil {
		return nil, err
	}
	rw := rewrite.Setup(s, p, ca, rewrite.Config{
		Percentage: int(cfg.Int("auto-aof-rewrite-percentage")),
		MinSize:    cfg.Int("auto-aof-rewrite-min-size"),
	})
	rw.Encode = typecmd.AppendRewrite // lists, hashes, sets and sorted sets
	rw.AddPrelude(scr.AppendFunctions)
	points, err := save.ParsePoints(cfg.Get("save"))
	if err != nil {
		return nil, err
	}
	return save.Setup(s, p, rw, loader, save.Config{
		Points:      points,
		FileName:    cfg.Get("dbfilename"),
		Compression: cfg.Bool("rdbcompression"),
		Checksum:    cfg.Bool("rdbchecksum"),
		StopWrites:  cfg.Bool("stop-writes-on-bgsave-error"),
		Preamble:    cfg.Bool("aof-use-rdb-preamble"),
	})
}

// followTracking keeps the tracking table's limit equal to
// tracking-table-max-keys.
func followTracking(cfg *config.Values, t *tracking.Tracker) *tracking.Tracker {
	t.MaxKeys = int(cfg.Int("tracking-table-max-keys"))
	cfg.OnChange("tracking-table-max-keys", func(v string) error {
		n, err := strconv.Atoi(v)
		t.MaxKeys = n
		return err
	})
	return t
}

// followNotify keeps the notifier's classes equal to
// notify-keyspace-events.
func followNotify(cfg *config.Values, n *notify.Notifier) *notify.Notifier {
	set := func(v string) error {
		classes, err := notify.ParseClasses(v)
		n.Classes = classes
		return err
	}
	set(cfg.Get("notify-keyspace-events"))
	cfg.OnChange("notify-keyspace-events", set)
	return n
}

// followIntrospection keeps SLOWLOG and LATENCY set as their options
// say.
func followIntrospection(cfg *config.Values, sl *slowlog.Log, lat *latency.Monitor) {
	follow := func(name string, set func(v string) error) {
		set(cfg.Get(name))
		cfg.OnChange(name, set)
	}
	follow("slowlog-log-slower-than", sl.SetSlowerThan)
	follow("slowlog-max-len", sl.SetMaxLen)
	follow("latency-monitor-threshold", func(v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		lat.Threshold = n
		return err
	})
	follow("latency-tracking", func(v string) error { lat.Tracking = v == "yes"; return nil })
	follow("latency-tracking-info-percentiles", func(v string) error {
		lat.Percentiles = lat.Percentiles[:0]
		for _, f := range strings.Fields(v) {
			p, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return err
			}
			lat.Percentiles = append(lat.Percentiles, p)
		}
		return nil
	})
	lat.SlowLog = func() (int64, int) { return sl.SlowerThan.Microseconds(), sl.MaxLen }
}

// port is the port of the first listening address (the real one when the
// configuration said 0).
func port(s *server.Server) string {
	addrs := s.Addrs()
	if len(addrs) == 0 {
		return "0"
	}
	_, p, _ := net.SplitHostPort(addrs[0])
	return p
}
