// Package persistence connects the AOF (package aof) to the server: it
// loads the files before clients are accepted, feeds every change to the
// appender, flushes once per loop turn before replies leave, refuses
// writes while the disk fails, and answers CONFIG and INFO persistence.
// Chapter 04's program, chapter 05 and the final server all call Setup.
package persistence

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/04-aof/aof"
)

// Config holds the persistence options, named as Redis names them.
type Config struct {
	AppendOnly  bool       // appendonly
	Dir         string     // dir: the working directory for data files
	FileName    string     // appendfilename, default appendonly.aof
	DirName     string     // appenddirname, default appendonlydir
	AppendFsync aof.Policy // appendfsync, default everysec
	FS          aof.FS     // nil: the real file system (tests inject faults)
}

// Defaults are Redis's.
func Defaults() Config {
	return Config{Dir: ".", FileName: "appendonly.aof", DirName: "appendonlydir", AppendFsync: aof.EverySec}
}

// AOF is the running persistence layer. It belongs to the loop goroutine.
type AOF struct {
	srv    *server.Server
	cfg    Config
	app    *aof.Appender // nil when appendonly is no
	closed bool

	// Clients that ran a command this loop turn, and the index in turn of
	// the first one whose command changed data (-1: none yet). Under
	// always, if the turn's data cannot be made durable, the clients from
	// that index on lose their connection instead of getting replies.
	turn       []*server.Client
	firstWrite int
}

// Setup registers the persistence options and INFO section, and with
// appendonly yes loads the AOF into the server's keyspace (so it must run
// after the commands are registered and before Run) and starts appending.
func Setup(srv *server.Server, cfg Config) (*AOF, error) {
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = abs
	p := &AOF{srv: srv, cfg: cfg, firstWrite: -1}
	p.registerConfig()
	srv.AddInfo("Persistence", true, func(b *bytes.Buffer) { aof.WriteInfo(b, p.app, aof.IdleRewrite()) })
	if !cfg.AppendOnly {
		return p, nil
	}
	d := p.Dir()
	m, err := d.ReadManifest()
	if err != nil {
		return nil, err
	}
	if !m.Empty() {
		start := time.Now()
		res, err := aof.Load(d, m, p.applier(), srv.Log)
		if err != nil {
			return nil, err
		}
		srv.Log.Infof("DB loaded from append only file: %.3f seconds (%d commands, %d bytes)",
			time.Since(start).Seconds(), res.Commands, res.Size)
	}
	app, err := aof.Open(d, m, cfg.AppendFsync, srv.Log)
	if err != nil {
		return nil, err
	}
	p.app = app
	srv.Propagators = append(srv.Propagators, p.feed)
	srv.Checks = append(srv.Checks, p.check)
	srv.Loop.BeforeSleep(p.beforeSleep)
	// A turn at least every 100 ms, like Redis's serverCron at hz 10: it
	// retries a failed write even when no client sends anything.
	srv.Loop.Every(100*time.Millisecond, func() {})
	srv.OnShutdown = append(srv.OnShutdown, p.shutdown)
	return p, nil
}

// Dir is the AOF directory the options point at.
func (p *AOF) Dir() aof.Dir {
	return aof.Dir{FS: p.cfg.FS, Path: filepath.Join(p.cfg.Dir, p.cfg.DirName), Prefix: p.cfg.FileName}
}

// Appender is the running appender, nil with appendonly no. Chapter 05's
// rewrite works on it.
func (p *AOF) Appender() *aof.Appender { return p.app }

// applier replays loaded commands the way Redis does, through a client
// without a connection whose replies are thrown away. Nothing is
// propagated: the AOF's own propagator is registered after loading.
func (p *AOF) applier() aof.Applier {
	c := &server.Client{ID: -1, Srv: p.srv, W: &resp.Writer{Proto: 2}, Proto: 2, Authenticated: true}
	return func(db int, args [][]byte) error {
		cmd := p.srv.Commands.Lookup(args[0])
		if cmd != nil && len(cmd.Subcommands) > 0 && len(args) >= 2 {
			if sub := cmd.Subcommands.Lookup(args[1]); sub != nil {
				cmd = sub
			}
		}
		if cmd == nil {
			return fmt.Errorf("unknown command '%s'", args[0])
		}
		if n := len(args); (cmd.Arity > 0 && n != cmd.Arity) || n < -cmd.Arity {
			return fmt.Errorf("wrong number of arguments for '%s' command", args[0])
		}
		c.DB, c.Args, c.LastCmd = db, args, cmd
		cmd.Run(c)
		c.W.B = c.W.B[:0]
		c.Args = nil
		return nil
	}
}

// feed is the server's propagator: every change, in execution order.
func (p *AOF) feed(db int, args [][]byte) {
	if p.closed {
		return
	}
	if p.firstWrite < 0 {
		p.firstWrite = max(len(p.turn)-1, 0)
	}
	p.app.Feed(db, args)
}

// check runs before every command. It remembers who ran commands this
// turn and, while the AOF cannot be written, refuses writes (and PING, as
// Redis does) with Redis's MISCONF error. Reads go on.
func (p *AOF) check(c *server.Client, cmd *server.Command) string {
	if p.app.Policy() == aof.Always {
		p.turn = append(p.turn, c)
	}
	if cmd.Flags&server.Write == 0 && cmd.Name != "ping" {
		return ""
	}
	if err := p.app.Err(); err != nil {
		return "MISCONF Errors writing to the AOF file: " + strerror(err)
	}
	return ""
}

// beforeSleep writes (and under always fsyncs) the turn's changes before
// the reactor sends the turn's replies.
func (p *AOF) beforeSleep() {
	turn, first := p.turn, p.firstWrite
	p.turn, p.firstWrite = p.turn[:0], -1
	if p.closed {
		return
	}
	err := p.app.Flush()
	if err == nil || p.app.Policy() != aof.Always || first < 0 {
		return
	}
	// The changes are in memory but not on disk: a reply would claim a
	// durability the server cannot give. Drop the connections instead,
	// as a crash would; the bytes stay queued and are written once the
	// disk works again. Clients before the first write saw nothing new.
	for _, c := range turn[first:] {
		if !c.Conn.Closing() {
			c.Conn.CloseNow()
		}
	}
	p.srv.Log.Warnf("AOF write failed under appendfsync always (%v): closed %d client connection(s) instead of acknowledging", err, len(turn)-first)
}

// shutdown flushes and fsyncs on a clean stop.
func (p *AOF) shutdown() {
	if p.closed || p.app == nil {
		return
	}
	p.closed = true
	if err := p.app.Close(); err != nil {
		p.srv.Log.Errorf("AOF: %v", err)
		return
	}
	p.srv.Log.Infof("Calling fsync() on the AOF file.")
}

// strerror turns an error into the text C's strerror gives for its errno
// ("No space left on device"), which Redis puts in its MISCONF reply.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

func (p *AOF) registerConfig() {
	yesno := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	p.srv.Config.Add(
		&server.Param{Name: "appendonly", Get: func() string { return yesno(p.cfg.AppendOnly) }},
		&server.Param{Name: "dir", Get: func() string { return p.cfg.Dir }},
		&server.Param{Name: "appendfilename", Get: func() string { return p.cfg.FileName }},
		&server.Param{Name: "appenddirname", Get: func() string { return p.cfg.DirName }},
		&server.Param{Name: "appendfsync", Get: func() string { return p.cfg.AppendFsync.String() }, Set: func(v string) error {
			policy, err := aof.ParsePolicy(v)
			if err != nil {
				return err
			}
			p.cfg.AppendFsync = policy
			if p.app != nil {
				p.app.SetPolicy(policy)
			}
			return nil
		}},
	)
}
