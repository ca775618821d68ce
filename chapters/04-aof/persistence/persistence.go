// Package persistence connects the AOF (package aof) to the server: it
// loads the files before clients are accepted, feeds every change to the
// appender, flushes once per loop turn before replies leave, refuses
// writes while the disk fails, and answers CONFIG and INFO persistence.
// Chapter 04's program, chapter 05 and the final server all call Setup.
package persistence

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"time"

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
	// LoadRDB loads a base file in RDB format (aof-use-rdb-preamble yes,
	// chapter 12) into the keyspace; nil refuses such a base.
	LoadRDB aof.RDBLoader
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
	// rewrite, when chapter 05 attached one, is stopped before the
	// appender closes, as Redis kills its rewrite child first.
	rewrite Rewrite
	// saves, when chapter 12 attached them, are the RDB snapshots: their
	// refusal comes first on the path, their lines in INFO, and their
	// save on shutdown after the AOF is durable.
	saves Saves

	// Clients that ran a command this loop turn, and the index in turn of
	// the first one whose command changed data (-1: none yet). Under
	// always, if the turn's data cannot be made durable, the clients from
	// that index on lose their connection instead of getting replies.
	turn       []*server.Client
	firstWrite int
}

// Rewrite is what the AOF needs of chapter 05's rewrite: to stop it on
// shutdown, and its state for INFO persistence.
type Rewrite interface {
	Stop()
	Info() aof.RewriteInfo
}

// Saves is what the AOF needs of chapter 12's RDB snapshots.
type Saves interface {
	// WriteError is the MISCONF reply while a failed background save
	// stops writes (stop-writes-on-bgsave-error), "" otherwise.
	WriteError() string
	// WriteInfo writes the rdb_ lines of INFO persistence.
	WriteInfo(b *bytes.Buffer)
	// Shutdown stops a background save and saves once more if save
	// points are configured, as Redis does on SHUTDOWN and SIGTERM.
	Shutdown()
}

// Setup registers the persistence options and INFO section and takes
// the persistence place on the command path (while data cannot be
// written the server refuses writes). With appendonly yes it loads the
// AOF into the server's keyspace (so it must run after the commands are
// registered and before Run) and every change is fed to it.
func Setup(srv *server.Server, cfg Config) (*AOF, error) {
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = abs
	p := &AOF{srv: srv, cfg: cfg, firstWrite: -1}
	p.registerConfig()
	srv.AddInfo("Persistence", true, p.writeInfo)
	srv.UsePersistence(p)
	if !cfg.AppendOnly {
		return p, nil
	}
	d := p.Dir()
	m, err := d.ReadManifest()
	if err != nil {
		return nil, err
	}
	if err := p.load(d, m); err != nil {
		return nil, err
	}
	app, err := aof.Open(d, m, cfg.AppendFsync, srv.Log)
	if err != nil {
		return nil, err
	}
	p.app = app
	srv.ObserveCalls(p)
	srv.Loop.BeforeSleep(p.beforeSleep)
	// A turn at least every 100 ms, like Redis's serverCron at hz 10: it
	// retries a failed write even when no client sends anything.
	srv.Loop.Every(100*time.Millisecond, func() {})
	return p, nil
}

// load replays the AOF into the keyspace. server.Load puts the server in
// the loading state for exactly this long (keys do not expire against
// the wall clock while their history is replayed) and replays each
// command through the server's own lookup and arity check.
func (p *AOF) load(d aof.Dir, m *aof.Manifest) error {
	if m.Empty() {
		return nil
	}
	start := time.Now()
	var res aof.LoadResult
	err := p.srv.Load(func(apply server.Apply) error {
		var err error
		res, err = aof.LoadWithRDB(d, m, aof.Applier(apply), p.cfg.LoadRDB, p.srv.Log)
		return err
	})
	if err != nil {
		return err
	}
	p.srv.Log.Infof("DB loaded from append only file: %.3f seconds (%d commands, %d bytes)",
		time.Since(start).Seconds(), res.Commands, res.Size)
	return nil
}

// AttachRewrite gives the AOF its rewrite (chapter 05), which Shutdown
// stops before the final flush.
func (p *AOF) AttachRewrite(r Rewrite) { p.rewrite = r }

// AttachSaves gives the persistence layer chapter 12's RDB snapshots.
func (p *AOF) AttachSaves(s Saves) { p.saves = s }

// Config is the configuration Setup was given, with dir made absolute.
func (p *AOF) Config() Config { return p.cfg }

// writeInfo is INFO persistence: the loading state, the RDB lines when
// chapter 12 is there, then the AOF's.
func (p *AOF) writeInfo(b *bytes.Buffer) {
	aof.WriteLoadingInfo(b)
	if p.saves != nil {
		p.saves.WriteInfo(b)
	}
	rw := aof.IdleRewrite()
	if p.rewrite != nil {
		rw = p.rewrite.Info()
	}
	aof.WriteAOFInfo(b, p.app, rw)
}

// Dir is the AOF directory the options point at.
func (p *AOF) Dir() aof.Dir {
	return aof.Dir{FS: p.cfg.FS, Path: filepath.Join(p.cfg.Dir, p.cfg.DirName), Prefix: p.cfg.FileName}
}

// Appender is the running appender, nil with appendonly no. Chapter 05's
// rewrite works on it.
func (p *AOF) Appender() *aof.Appender { return p.app }

// Feed is the server.Persistence method: every change, in execution
// order.
func (p *AOF) Feed(db int, args [][]byte) {
	if p.closed || p.app == nil {
		return
	}
	if p.firstWrite < 0 {
		p.firstWrite = max(len(p.turn)-1, 0)
	}
	p.app.Feed(db, args)
}

// Called is a server.CallObserver: under always it remembers who ran
// commands this turn, whose replies beforeSleep may have to hold back.
func (p *AOF) Called(c *server.Client, _ *server.Command, _ bool) {
	if p.app.Policy() == aof.Always && c.Conn != nil {
		if n := len(p.turn); n == 0 || p.turn[n-1] != c {
			p.turn = append(p.turn, c)
		}
	}
}

// WriteError is the server.Persistence method: while the last background
// save failed (chapter 12) or the AOF cannot be written, the path refuses
// writes (and PING) with Redis's MISCONF error, in the order of Redis's
// writeCommandsDeniedByDiskError. Reads go on.
func (p *AOF) WriteError() string {
	if p.saves != nil {
		if msg := p.saves.WriteError(); msg != "" {
			return msg
		}
	}
	if p.app == nil {
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

// Shutdown is the server.Persistence method: on a clean stop, stop the
// rewrite, flush and fsync, then let the RDB snapshots save.
func (p *AOF) Shutdown() {
	if p.closed {
		return
	}
	if p.rewrite != nil {
		p.rewrite.Stop()
	}
	p.closed = true
	if p.saves != nil {
		defer p.saves.Shutdown()
	}
	if p.app == nil {
		return
	}
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
