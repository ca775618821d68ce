// Package rewrite compacts the append-only file while the server keeps
// serving: BGREWRITEAOF and the automatic rewrite (auto-aof-rewrite-*),
// in Redis 7's multi-part way.
//
// Redis forks and lets the child write the keyspace as the fork froze it.
// Go cannot fork, and copying the keyspace would stop the world, so the
// snapshot is taken lazily on the loop goroutine instead:
//
//  1. Start (T0): a new incr file takes every write from now on and the
//     manifest lists it (aof.Appender.Rotate). A new epoch begins: keys
//     created from now on are marked with it (keyspace.DB.NewMark).
//  2. Scan: a SCAN cursor walks the databases in steps of about a
//     millisecond, posted to the loop one after the other; each key not
//     marked yet is encoded (SET, PEXPIREAT) and marked. The bytes go to a
//     writer goroutine through a bounded queue; when it is full the scan
//     waits, the loop does not.
//  3. Copy on write: before a command changes or removes a key that is
//     not marked yet, the rewrite, a write observer of the keyspace
//     (KeyWriting), encodes its T0 value and marks it. So every key is written once, with its value at
//     T0, and every change after T0 is in the new incr file: replaying
//     the base then the incr file applies each command exactly once.
//  4. Install (writer goroutine): fsync the new base, rename it, persist
//     the manifest listing it (old files become history), delete history.
//
// Every step leaves a directory that loads to the right data.
package rewrite

import (
	"errors"
	"fmt"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/04-aof/aof"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
)

// Encoder appends the commands that recreate a value that is not a
// string (the lists, hashes, sets and sorted sets of chapters 06-08:
// typecmd.AppendRewrite) to dst. The rewrite adds PEXPIREAT itself.
type Encoder func(dst []byte, key string, v any) ([]byte, error)

// Rewriter runs AOF rewrites. It belongs to the loop goroutine.
type Rewriter struct {
	// Encode handles values other than strings; nil means strings only.
	Encode Encoder
	// AfterStep, if set, is called after each step of a rewrite (on the
	// goroutine that did it). An error stops the rewrite right there and
	// leaves the files as they are: tests inject crashes with it.
	AfterStep func(Step) error

	preludes []func(dst []byte) []byte

	srv   *server.Server
	p     *persistence.AOF
	snaps *Snapshots
	cfg   Config
	// preamble, when set (aof-use-rdb-preamble yes, chapter 12), makes
	// the new base an RDB file (.base.rdb) in the format it returns.
	preamble func() Format

	cur  *run    // the rewrite in progress, nil when none
	last *writer // the last rewrite's writer, which may still be cleaning up

	scheduled bool // aof_rewrite_scheduled: start as soon as possible
	// commandsOnce makes the next rewrite write commands although the
	// preamble is on: the last one met a value with no RDB form.
	commandsOnce bool
	rewrites     int64 // aof_rewrites
	failures     int64 // aof_rewrites_consecutive_failures
	lastOK       bool  // aof_last_bgrewrite_status
	lastTimeSec  int64 // aof_last_rewrite_time_sec
	lastFail     time.Time
	// growthBase is the AOF size after the last rewrite (or the load):
	// the automatic rewrite compares the current size with it.
	growthBase int64
}

// run is one rewrite in progress.
type run struct {
	snap    *Snapshot
	w       *writer
	started time.Time
	pump    func() // r.pump(this run), posted to the loop
	rdbBase bool   // the base is an RDB file
}

// Redis's replies.
const (
	msgStarted    = "Background append only file rewriting started"
	msgScheduled  = "Background append only file rewriting scheduled"
	errInProgress = "ERR Background append only file rewriting already in progress"
	errCantStart  = "ERR Can't execute an AOF background rewriting. Please check the server logs for more information."
)

// Setup registers BGREWRITEAOF and the auto-aof-rewrite options, makes
// the snapshot slot of ca's databases (Snapshots, which observes their
// writes), and attaches the rewrite to p, whose shutdown stops it and
// whose INFO persistence shows it. Call it after persistence.Setup, which
// loads the AOF.
func Setup(srv *server.Server, p *persistence.AOF, ca *cache.Cache, cfg Config) *Rewriter {
	r := &Rewriter{srv: srv, p: p, snaps: NewSnapshots(ca.DBs, ca.Observers), cfg: cfg, lastOK: true, lastTimeSec: -1}
	if app := p.Appender(); app != nil {
		r.growthBase = app.Size()
	}
	p.AttachRewrite(r)
	srv.Commands.Add(&server.Command{Name: "bgrewriteaof", Arity: 1, Flags: server.Admin | server.NoScript,
		Group: "server", Run: r.command})
	r.registerConfig()
	srv.Loop.Every(100*time.Millisecond, r.cron)
	return r
}

// AddPrelude registers fn to write, at the start of every new base made
// of commands, the commands that recreate state kept outside the
// keyspace: the function libraries (FUNCTION LOAD), as Redis's
// rewriteFunctions. It runs at T0 on the loop goroutine, so what changes
// later is in the new incr file. (An RDB base does not take preludes.)
func (r *Rewriter) AddPrelude(fn func(dst []byte) []byte) { r.preludes = append(r.preludes, fn) }

// Snapshots is the snapshot slot the rewrite shares with any other
// snapshot of the same databases (chapter 12's BGSAVE).
func (r *Rewriter) Snapshots() *Snapshots { return r.snaps }

// SetPreamble makes the next rewrites write their base in the format f
// returns, as an RDB file (aof-use-rdb-preamble yes); nil goes back to
// commands.
func (r *Rewriter) SetPreamble(f func() Format) { r.preamble = f }

// flushed handles FLUSHALL during a rewrite. Writing out the keys the
// scan has not reached would block the loop for as long as the flush
// saves; skipping them would be wrong if a command after T0 read one of
// them into another database. The rewrite is given up instead and started
// again at once: after a flush it has little to write.
func (r *Rewriter) flushed(int) {
	if r.cur == nil {
		return
	}
	r.srv.Log.Infof("Database flushed during the AOF rewrite: starting it again")
	r.abort(r.cur)
	r.rewrites-- // the restart counts as the same rewrite
	r.scheduled = true
}

// command is BGREWRITEAOF, with Redis 7.0's replies.
func (r *Rewriter) command(c *server.Client) {
	switch {
	case r.cur != nil:
		c.Error(errInProgress)
	case r.busy():
		r.scheduled = true
		r.failures = 0
		c.W.SimpleString(msgScheduled)
	case r.Start() != nil:
		c.Error(errCantStart)
	default:
		c.W.SimpleString(msgStarted)
	}
}

// busy reports that another snapshot holds the slot (a BGSAVE), or
// that the last rewrite's writer has not finished cleaning up (an
// aborted rewrite removing its temp file). A new rewrite waits for it,
// as Redis waits for a child process.
func (r *Rewriter) busy() bool {
	if r.snaps.Busy() && r.cur == nil {
		return true
	}
	if r.last == nil {
		return false
	}
	select {
	case <-r.last.exited:
		r.last = nil
		return false
	default:
		return true
	}
}

// InProgress reports whether a rewrite is running.
func (r *Rewriter) InProgress() bool { return r.cur != nil }

// Start begins a rewrite (Redis's rewriteAppendOnlyFileBackground). It
// returns once the new incr file is in place; the rest happens while the
// loop serves clients.
func (r *Rewriter) Start() error {
	if r.cur != nil {
		return errors.New("a rewrite is already in progress")
	}
	if r.busy() {
		return errors.New("another background job is running")
	}
	r.scheduled = false
	d := r.p.Dir()
	final, err := r.nextManifest(d)
	if err != nil {
		r.srv.Log.Warnf("Can't rewrite append only file in background: %v", err)
		r.failed()
		return err
	}
	r.rewrites++
	var format Format = commandFormat{r.encoder(), r.preludes}
	rdbBase := r.preamble != nil && !r.commandsOnce
	r.commandsOnce = false
	if rdbBase {
		format = r.preamble()
	}
	base := final.NewBase(d.Prefix, rdbBase)
	final.MarkIncrHistory()
	if err := r.step(StepRotated); err != nil {
		r.srv.Log.Warnf("Background AOF rewrite %v", err)
		r.failed()
		return nil
	}
	now := func() int64 { return r.srv.Now().UnixMilli() }
	rn := &run{snap: r.snaps.Begin(format, now, r.flushed), started: time.Now(), rdbBase: rdbBase}
	rn.pump = func() { r.pump(rn) }
	fsys := d.FS
	if fsys == nil {
		fsys = aof.OS{}
	}
	rn.w = &writer{dir: d, fsys: fsys, tmp: aof.TempName(base), base: base, final: final,
		in: rn.snap.out, free: rn.snap.free, commit: make(chan bool, 1), exited: make(chan struct{}), afterStep: r.AfterStep}
	rn.w.wake = func() {
		if rn.snap.Resume() {
			r.srv.Loop.Post(rn.pump)
		}
	}
	r.cur = rn
	go r.write(rn)
	r.srv.Loop.Post(rn.pump)
	r.srv.Log.Infof("Background append only file rewriting started")
	return nil
}

// nextManifest makes the files ready for a rewrite and returns the
// manifest to persist once the new base exists (a base still to name).
// With the AOF on, a new incr file takes the writes from now on: the new
// base will hold everything before, so every incr file but the new one
// becomes history. With the AOF off, as in Redis, the result is a base
// alone.
func (r *Rewriter) nextManifest(d aof.Dir) (*aof.Manifest, error) {
	if app := r.p.Appender(); app != nil {
		if err := app.Rotate(); err != nil {
			return nil, err
		}
		return app.Manifest().Clone(), nil
	}
	fsys := d.FS
	if fsys == nil {
		fsys = aof.OS{}
	}
	if err := fsys.MkdirAll(d.Path); err != nil {
		return nil, err
	}
	m, err := d.ReadManifest()
	if err != nil {
		return nil, err
	}
	m = m.Clone()
	for _, in := range m.Incr {
		in.Type = aof.HistoryFile
		m.History = append(m.History, in)
	}
	m.Incr = nil
	return m, nil
}

func (r *Rewriter) encoder() Encoder {
	if r.Encode != nil {
		return r.Encode
	}
	return func(dst []byte, key string, v any) ([]byte, error) {
		return dst, fmt.Errorf("key %q: no encoder for values of type %T", key, v)
	}
}

func (r *Rewriter) step(s Step) error {
	if r.AfterStep == nil {
		return nil
	}
	if err := r.AfterStep(s); err != nil {
		return &haltError{step: s, err: err}
	}
	return nil
}

// pump is one scan step on the loop goroutine. While there is more to do
// it posts itself, so the loop serves the clients' input between steps;
// when the writer's queue is full it stops and the writer posts it again.
func (r *Rewriter) pump(rn *run) {
	if r.cur != rn || rn.snap.closed {
		return
	}
	more, done := rn.snap.Step()
	switch {
	case rn.snap.err != nil && rn.rdbBase:
		// A value the RDB format cannot hold: a base of commands may,
		// so the rewrite starts again with one.
		r.srv.Log.Warnf("Background AOF rewrite: %v; writing the base as commands instead of RDB", rn.snap.err)
		r.abort(rn)
		r.rewrites-- // the restart counts as the same rewrite
		r.scheduled, r.commandsOnce = true, true
	case rn.snap.err != nil:
		r.fail(rn, rn.snap.err)
	case done:
		rn.snap.Close()
	case more:
		r.srv.Loop.Post(rn.pump)
	}
}

// write is the writer goroutine of a run. It reports to the loop by
// posting functions, and never blocks it.
func (r *Rewriter) write(rn *run) {
	w := rn.w
	defer close(w.exited)
	err := w.writeBase()
	r.srv.Loop.Post(func() { r.baseWritten(rn, err) })
	if err != nil {
		if !isHalt(err) {
			w.fsys.Remove(w.dir.File(w.tmp))
		}
		return
	}
	if !<-w.commit {
		w.fsys.Remove(w.dir.File(w.tmp))
		return
	}
	m, err := w.install()
	r.srv.Loop.Post(func() { r.installed(rn, m, err) })
}

// baseWritten runs on the loop when the writer has the whole base on disk
// (or failed). If the rewrite was not given up meanwhile, it lets the
// writer install the file. From then on the rewrite cannot be aborted.
func (r *Rewriter) baseWritten(rn *run, err error) {
	if r.cur != rn {
		return
	}
	if err != nil {
		r.fail(rn, err)
		return
	}
	r.srv.Log.Infof("Successfully created the temporary AOF base file %s (%d keys, %d bytes)", rn.w.tmp, rn.snap.keys, rn.w.size)
	rn.w.commit <- true
}

// installed ends a rewrite whose base the writer put in place: m is the
// manifest now on disk, nil if installing failed.
func (r *Rewriter) installed(rn *run, m *aof.Manifest, err error) {
	if r.cur != rn {
		return
	}
	if m == nil {
		r.fail(rn, err)
		return
	}
	if err != nil {
		r.srv.Log.Warnf("Background AOF rewrite: %v", err)
	}
	r.cur, r.last = nil, rn.w
	r.snaps.End(rn.snap)
	if app := r.p.Appender(); app != nil {
		if err := app.SetManifest(m); err != nil {
			r.srv.Log.Warnf("Background AOF rewrite: measuring the new files: %v", err)
		}
		r.growthBase = app.Size()
	}
	r.lastOK, r.failures = true, 0
	r.lastTimeSec = int64(time.Since(rn.started).Seconds())
	r.srv.Log.Infof("Background AOF rewrite finished successfully")
}

// fail gives up a running rewrite and counts the failure.
func (r *Rewriter) fail(rn *run, err error) {
	if r.cur != rn {
		return
	}
	r.srv.Log.Warnf("Background AOF rewrite failed: %v", err)
	r.abort(rn)
	r.lastTimeSec = int64(time.Since(rn.started).Seconds())
	r.failed()
}

func (r *Rewriter) failed() {
	r.lastOK = false
	r.failures++
	r.lastFail = time.Now()
}

// abort stops a run on the loop's side at once; its writer stops at the
// next chunk and removes the temp file (unless a hook halted it).
func (r *Rewriter) abort(rn *run) {
	r.cur, r.last = nil, rn.w
	rn.w.cancel.Store(true)
	r.snaps.End(rn.snap)
	select {
	case rn.w.commit <- false:
	default:
	}
}

// cron runs ten times a second: a scheduled rewrite, else the automatic
// one (Redis's serverCron: the AOF grew by auto-aof-rewrite-percentage
// since the last rewrite and is larger than auto-aof-rewrite-min-size).
func (r *Rewriter) cron() {
	if r.cur != nil || r.busy() {
		return
	}
	if r.scheduled {
		r.Start()
		return
	}
	app := r.p.Appender()
	if app == nil || r.cfg.Percentage <= 0 || app.Size() <= r.cfg.MinSize || r.limited() {
		return
	}
	base := max(r.growthBase, 1)
	if growth := app.Size()*100/base - 100; growth >= int64(r.cfg.Percentage) {
		r.srv.Log.Infof("Starting automatic rewriting of AOF on %d%% growth", growth)
		r.Start()
	}
}

// limited is Redis's aofRewriteLimited: after three failures in a row the
// automatic rewrite waits, 1 minute, then twice as long after each further
// failure, at most an hour, so a full disk is not hammered.
func (r *Rewriter) limited() bool {
	if r.failures < 3 {
		return false
	}
	delay := min(time.Minute<<min(r.failures-3, 6), time.Hour)
	return time.Since(r.lastFail) < delay
}

// Info is the rewrite's part of INFO persistence.
func (r *Rewriter) Info() aof.RewriteInfo {
	ri := aof.RewriteInfo{InProgress: r.cur != nil, Scheduled: r.scheduled, LastTimeSec: r.lastTimeSec,
		CurrentTimeSec: -1, LastStatusOK: r.lastOK, Rewrites: r.rewrites, ConsecutiveFailures: r.failures}
	if r.cur != nil {
		ri.CurrentTimeSec = int64(time.Since(r.cur.started).Seconds())
	}
	return ri
}

// shutdown gives up a running rewrite and waits (a bounded time) for its
// writer, so no goroutine writes into the directory after the server stopped.
// Stop ends a rewrite in progress on shutdown (persistence.Rewrite) and
// waits for its writer, before the AOF's final flush.
func (r *Rewriter) Stop() {
	if r.cur != nil {
		r.srv.Log.Infof("There is a child rewriting the AOF. Killing it!")
		r.abort(r.cur)
	}
	if r.last != nil {
		select {
		case <-r.last.exited:
		case <-time.After(10 * time.Second):
			r.srv.Log.Warnf("The AOF rewrite writer did not stop within 10 seconds")
		}
	}
}
