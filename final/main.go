// Command gocache is the complete server: a Redis-compatible cache that
// keeps its data in an append-only file.
//
//	go run ./final [path/to/gocache.conf] [--option value ...]
//
// Where a request goes: the reactor (chapter 01) accepts the connection and
// reads its bytes; package server (chapter 02) cuts them into commands and
// looks each one up in its command table; the command, registered below
// by the layer that owns it (cache for data, admin for CLIENT and INFO,
// persistence for CONFIG of the AOF), runs on the loop goroutine; its
// change goes to the AOF before its reply leaves.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/04-aof/aof"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/05-aof-rewrite/rewrite"
	"github.com/gocache/gocache/final/admin"
	"github.com/gocache/gocache/final/block"
	"github.com/gocache/gocache/final/config"
	"github.com/gocache/gocache/final/db"
	"github.com/gocache/gocache/final/evict"
	"github.com/gocache/gocache/final/hash"
	"github.com/gocache/gocache/final/list"
	"github.com/gocache/gocache/final/multi"
	"github.com/gocache/gocache/final/pubsub"
	"github.com/gocache/gocache/final/set"
	"github.com/gocache/gocache/final/sortcmd"
	"github.com/gocache/gocache/final/stream"
	"github.com/gocache/gocache/final/typecmd"
	"github.com/gocache/gocache/final/zset"
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
		Listen:    listenAddrs(cfg.Get("bind"), int(cfg.Int("port"))),
		IOThreads: int(cfg.Int("io-threads")),
		Log:       log,
	})
	if err != nil {
		return err
	}
	cfg.Register(s)                         // CONFIG GET/SET: every option
	adm := admin.Register(s, cfg)           // CLIENT, INFO, MONITOR, SHUTDOWN and the client limits
	ca, keys, lists := registerData(s, cfg) // the keyspace, its types and their commands
	ev := evict.New(s, ca, cfg)             // maxmemory: evict, or refuse writes with -OOM
	adm.UsedMemory, keys.Freq = ev.UsedMemory, ev.Freq
	registerMessaging(s, adm, ca, keys) // transactions and Pub/Sub
	blk := block.Register(s, ca, lists) // BLPOP and friends, woken by pushes
	blk.Streams(stream.Register(s, ca)) // streams, whose XREAD and XREADGROUP block here
	keys.OnSwap = append(keys.OnSwap, blk.Swapped)
	adm.Unblock, adm.InTimeoutTable = blk.Unblock, blk.WithTimeout
	if err := registerPersistence(s, cfg, ca); err != nil {
		return err
	}
	for _, n := range cfg.Notices() {
		log.Info(n)
	}
	if err := writePidFile(cfg.Get("pidfile")); err != nil {
		return err
	}
	defer removePidFile(cfg.Get("pidfile"))

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-signals
		log.Warnf("Received %s scheduling shutdown...", sigName(sig))
		s.Loop.Post(adm.Shutdown)
	}()
	log.Infof("%s pid=%d port=%s mode=standalone", fullVersion, os.Getpid(), port(s))
	log.Infof("Ready to accept connections tcp on %s", strings.Join(s.Addrs(), ", "))
	err = s.Run()
	s.Loop.CloseAll()
	return err
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

// registerData is chapter 03's keyspace over --databases databases, with
// final's key and string commands and the four other data types.
func registerData(s *server.Server, cfg *config.Values) (*cache.Cache, *db.Keys, *list.Commands) {
	dbs := make([]*keyspace.DB, cfg.Int("databases"))
	for i := range dbs {
		dbs[i] = keyspace.New()
	}
	ca := cache.Register(s, dbs...)
	keys := db.Register(s, ca)
	lists := list.Register(s, ca)
	hash.Register(s, ca)
	set.Register(s, ca)
	zset.Register(s, ca)
	sortcmd.Register(s, ca, lists)
	return ca, keys, lists
}

// registerMessaging adds MULTI/EXEC and Pub/Sub, and tells CLIENT LIST and
// RESET about their per-client state.
func registerMessaging(s *server.Server, adm *admin.Admin, ca *cache.Cache, keys *db.Keys) {
	ps := pubsub.Register(s)
	ps.Limit = pubsub.Limit{} // admin enforces client-output-buffer-limit for every class
	m := multi.Register(s, ca)
	keys.BeforeSwap = append(keys.BeforeSwap, m.BeforeSwap)
	adm.Describe = append(adm.Describe, func(c *server.Client, d *admin.Desc) {
		d.Sub, d.Psub = ps.Count(c)
		d.PubSub = ps.Subscribed(c)
		if d.PubSub {
			d.Flags += "P"
		}
		d.Multi, d.MultiMem = m.Queued(c)
		if d.Multi >= 0 {
			d.Flags += "x"
		}
	})
	adm.OnReset = append(adm.OnReset, m.Reset, ps.Reset)
}

// registerPersistence is chapters 04 and 05: load the AOF into the
// keyspace, then log every change, and rewrite the log when it grows. It
// must come after the commands, which loading replays. The rewrite writes
// strings itself; typecmd.AppendRewrite gives it the other four types.
func registerPersistence(s *server.Server, cfg *config.Values, ca *cache.Cache) error {
	policy, err := aof.ParsePolicy(cfg.Get("appendfsync"))
	if err != nil {
		return err
	}
	ca.Loading = true
	p, err := persistence.Setup(s, persistence.Config{
		AppendOnly:  cfg.Bool("appendonly"),
		Dir:         cfg.Get("dir"),
		FileName:    cfg.Get("appendfilename"),
		DirName:     cfg.Get("appenddirname"),
		AppendFsync: policy,
	})
	ca.Loading = false
	if err != nil {
		return err
	}
	rw := rewrite.Setup(s, p, ca.DBs, rewrite.Config{
		Percentage: int(cfg.Int("auto-aof-rewrite-percentage")),
		MinSize:    cfg.Int("auto-aof-rewrite-min-size"),
	})
	rw.Encode = typecmd.AppendRewrite // lists, hashes, sets and sorted sets
	return nil
}
