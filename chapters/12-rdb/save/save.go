// Package save is RDB persistence: SAVE, BGSAVE, LASTSAVE, the save
// points, dump.rdb loaded at start, and the RDB base of the AOF rewrite
// (aof-use-rdb-preamble), in the file format of package rdb.
//
// Redis's BGSAVE forks: the child writes the keyspace as the fork froze
// it, and the kernel's copy on write keeps the parent's changes away from
// it. gocache's BGSAVE uses chapter 05's snapshot instead (package
// rewrite): a scan in steps of about a millisecond on the loop goroutine,
// a copy on write that writes a key's old value just before its first
// change, and a writer goroutine that owns the file. The same snapshot,
// in the same slot (rewrite.Snapshots), writes the AOF's RDB base: like
// Redis's child processes, one runs at a time.
//
// Every file is written under a temporary name, fsynced, renamed over
// dump.rdb, and the directory fsynced: a crash at any point leaves the
// old file or the new one, never half of one.
package save

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/04-aof/aof"
	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/05-aof-rewrite/rewrite"
)

// Redis's replies and refusals, byte for byte.
const (
	msgStarted      = "Background saving started"
	msgScheduled    = "Background saving scheduled"
	errInProgress   = "ERR Background save already in progress"
	errOtherChild   = "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."
	errMisconf      = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
	bgsaveRetryWait = 5 * time.Second // CONFIG_BGSAVE_RETRY_DELAY
)

// Saver is the running RDB layer. It belongs to the loop goroutine.
type Saver struct {
	srv    *server.Server
	p      *persistence.AOF
	rw     *rewrite.Rewriter
	snaps  *rewrite.Snapshots
	dbs    []*keyspace.DB
	types  Types
	loader *Loader
	cfg    Config
	dir    string
	fsys   aof.FS

	cur       *job // the background save in progress, nil when none
	last      *job // the last one given up, whose writer may still clean up
	scheduled bool // BGSAVE SCHEDULE: start when nothing else runs

	lastSave    time.Time // LASTSAVE: the last successful save
	lastTry     time.Time // the last background save started
	lastOK      bool      // rdb_last_bgsave_status
	lastTimeSec int64     // rdb_last_bgsave_time_sec
	saves       int64     // rdb_saves
	savedDirty  int64     // server.Dirty as of the last save
}

// job is one background save.
type job struct {
	snap    *rewrite.Snapshot
	tmp     string
	started time.Time
	dirty   int64 // server.Dirty at T0
	total   int64 // keys at T0
	cancel  atomic.Bool
	exited  chan struct{}
	pump    func()
}

// Setup registers SAVE, BGSAVE, LASTSAVE and the RDB options, attaches
// the layer to the persistence layer (INFO, MISCONF, the save on
// shutdown) and the AOF rewrite (its RDB base), and with appendonly no
// loads dump.rdb through ld. Call it after rewrite.Setup; with
// appendonly yes the AOF is the data and dump.rdb is not read, as in
// Redis.
func Setup(srv *server.Server, p *persistence.AOF, rw *rewrite.Rewriter, ld *Loader, cfg Config) (*Saver, error) {
	pc := p.Config()
	s := &Saver{srv: srv, p: p, rw: rw, snaps: rw.Snapshots(), dbs: ld.dbs, types: ld.types, loader: ld,
		cfg: cfg, dir: pc.Dir, fsys: pc.FS, lastOK: true, lastTimeSec: -1, lastSave: srv.Now()}
	if s.fsys == nil {
		s.fsys = aof.OS{}
	}
	s.registerConfig()
	s.applyPreamble()
	srv.Commands.Add(
		&server.Command{Name: "save", Arity: 1, Flags: server.Admin | server.NoScript | server.NoMulti, Group: "server", Run: s.saveCommand},
		&server.Command{Name: "bgsave", Arity: -1, Flags: server.Admin | server.NoScript, Group: "server", Run: s.bgsaveCommand},
		&server.Command{Name: "lastsave", Arity: 1, Flags: server.Loading | server.Stale | server.Fast, Group: "server",
			Run: func(c *server.Client) { c.W.Int(s.lastSave.Unix()) }},
	)
	p.AttachSaves(s)
	srv.Loop.Every(100*time.Millisecond, s.cron)
	if !pc.AppendOnly {
		start := time.Now()
		found, err := ld.File(s.path())
		if err != nil {
			return nil, fmt.Errorf("can't load the RDB file: %w", err)
		}
		if found {
			srv.Log.Infof("DB loaded from disk: %.3f seconds (%d keys, %d expired keys skipped)",
				time.Since(start).Seconds(), ld.loaded, ld.expired)
		}
	}
	s.savedDirty = srv.Dirty
	return s, nil
}

// path is dump.rdb's path.
func (s *Saver) path() string { return filepath.Join(s.dir, s.cfg.FileName) }

// applyPreamble gives the AOF rewrite an RDB base, or takes it back.
func (s *Saver) applyPreamble() {
	if !s.cfg.Preamble {
		s.rw.SetPreamble(nil)
		return
	}
	s.rw.SetPreamble(func() rewrite.Format { return s.newFormat(true) })
}

func (s *Saver) usedMemory() int64 {
	if m := s.srv.Memory(); m != nil {
		return int64(m.UsedMemory())
	}
	return 0
}

// saveCommand is SAVE: the whole keyspace written while every client
// waits, as in Redis.
func (s *Saver) saveCommand(c *server.Client) {
	if s.cur != nil {
		c.Error(errInProgress)
		return
	}
	s.saves++
	if err := s.Save(); err != nil {
		c.Error("ERR")
		return
	}
	c.OK()
}

// bgsaveCommand is BGSAVE [SCHEDULE], with Redis 7.0's replies. Inside
// MULTI it is scheduled, since a transaction runs as one step.
func (s *Saver) bgsaveCommand(c *server.Client) {
	schedule := false
	if len(c.Args) > 1 {
		if len(c.Args) != 2 || !bytes.EqualFold(c.Args[1], []byte("schedule")) {
			c.ErrSyntax()
			return
		}
		schedule = true
	}
	switch {
	case s.cur != nil:
		c.Error(errInProgress)
	case s.busy() || s.srv.Nested():
		if schedule || s.srv.Nested() {
			s.scheduled = true
			c.W.SimpleString(msgScheduled)
			return
		}
		c.Error(errOtherChild)
	case s.Start() != nil:
		c.Error("ERR")
	default:
		c.W.SimpleString(msgStarted)
	}
}

// busy reports that another snapshot (an AOF rewrite) holds the slot, or
// the writer of a save given up has not finished cleaning up.
func (s *Saver) busy() bool {
	if s.snaps.Busy() && s.cur == nil {
		return true
	}
	if s.last == nil {
		return false
	}
	select {
	case <-s.last.exited:
		s.last = nil
		return false
	default:
		return true
	}
}

// InProgress reports whether a background save is running.
func (s *Saver) InProgress() bool { return s.cur != nil }

// Save writes dump.rdb at once (SAVE, shutdown, DEBUG RELOAD): a full
// scan of the databases on the loop goroutine, in the same format as
// BGSAVE.
func (s *Saver) Save() error {
	dirty := s.srv.Dirty
	if err := s.writeFile(); err != nil {
		s.srv.Log.Warnf("Failed saving the DB: %v", err)
		return err
	}
	s.lastSave, s.savedDirty = s.srv.Now(), dirty
	s.srv.Log.Infof("DB saved on disk")
	return nil
}

func (s *Saver) writeFile() error {
	tmp := filepath.Join(s.dir, fmt.Sprintf("temp-%d.rdb", os.Getpid()))
	f, err := s.fsys.Create(tmp)
	if err != nil {
		return fmt.Errorf("failed opening the temp RDB file %s for saving: %w", tmp, err)
	}
	err = s.encodeAll(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = s.install(tmp)
	}
	if err != nil {
		s.fsys.Remove(tmp)
	}
	return err
}

// encodeAll writes every key that has not expired, database by
// database, in 1 MB writes.
func (s *Saver) encodeAll(w aof.File) error {
	fm := s.newFormat(false)
	buf := fm.Begin(make([]byte, 0, 1<<20+4096))
	now := s.srv.Now().UnixMilli()
	var err error
	for i, db := range s.dbs {
		first := true
		var cursor uint64
		for {
			cursor = db.Scan(cursor, 1024, func(e *keyspace.Entry) {
				if err != nil || e.IsExpired(now) {
					return
				}
				buf, err = fm.Key(buf, i, first, e)
				first = false
			})
			if err == nil && len(buf) >= 1<<20 {
				_, err = w.Write(buf)
				buf = buf[:0]
			}
			if err != nil {
				return err
			}
			if cursor == 0 {
				break
			}
		}
	}
	_, err = w.Write(fm.End(buf))
	return err
}

// install renames a complete, fsynced temp file over dump.rdb and makes
// the rename durable.
func (s *Saver) install(tmp string) error {
	if err := s.fsys.Rename(tmp, s.path()); err != nil {
		return fmt.Errorf("error moving the temp DB file %s on the final destination %s: %w", tmp, s.path(), err)
	}
	if err := s.fsys.SyncDir(s.dir); err != nil {
		return fmt.Errorf("fsync directory %s: %w", s.dir, err)
	}
	return nil
}

// Start begins a background save (Redis's rdbSaveBackground). It returns
// at once; the snapshot is written while the loop serves clients.
func (s *Saver) Start() error {
	if s.cur != nil {
		return errors.New("a background save is already in progress")
	}
	if s.busy() {
		return errors.New("another background job is running")
	}
	now := func() int64 { return s.srv.Now().UnixMilli() }
	snap := s.snaps.Begin(s.newFormat(false), now, s.flushed)
	j := &job{snap: snap, started: time.Now(), dirty: s.srv.Dirty, exited: make(chan struct{}),
		tmp: filepath.Join(s.dir, fmt.Sprintf("temp-bg-%d.rdb", os.Getpid()))}
	for _, db := range s.dbs {
		j.total += int64(db.Len())
	}
	j.pump = func() { s.pump(j) }
	s.cur, s.scheduled = j, false
	s.saves++
	s.lastTry = s.srv.Now()
	go s.write(j)
	s.srv.Loop.Post(j.pump)
	s.srv.Log.Infof("Background saving started")
	return nil
}

// pump is one scan step on the loop goroutine, as the rewrite's.
func (s *Saver) pump(j *job) {
	if s.cur != j || j.snap.Closed() {
		return
	}
	more, done := j.snap.Step()
	switch {
	case j.snap.Err() != nil:
		s.fail(j, j.snap.Err())
	case done:
		j.snap.Close()
	case more:
		s.srv.Loop.Post(j.pump)
	}
}

// write is a job's writer goroutine: the chunks into the temp file, then
// the rename. It reports to the loop by posting, and never blocks it.
func (s *Saver) write(j *job) {
	defer close(j.exited)
	in, free := j.snap.Chunks()
	wake := func() {
		if j.snap.Resume() {
			s.srv.Loop.Post(j.pump)
		}
	}
	f, err := s.fsys.Create(j.tmp)
	_, err = rewrite.Drain(f, err, in, free, wake, &j.cancel)
	if err == nil {
		err = s.install(j.tmp)
	}
	if err != nil {
		s.fsys.Remove(j.tmp)
	}
	s.srv.Loop.Post(func() { s.done(j, err) })
}

// done ends a background save whose writer finished.
func (s *Saver) done(j *job, err error) {
	if s.cur != j {
		return // given up meanwhile
	}
	if err != nil {
		s.fail(j, err)
		return
	}
	s.cur = nil
	s.snaps.End(j.snap)
	s.lastOK = true
	s.lastSave = s.srv.Now()
	s.savedDirty = j.dirty
	s.lastTimeSec = int64(time.Since(j.started).Seconds())
	s.srv.Log.Infof("Background saving terminated with success (%d keys)", j.snap.Keys())
}

// fail gives up a running background save and records the failure:
// with stop-writes-on-bgsave-error, writes are refused from now on.
func (s *Saver) fail(j *job, err error) {
	if s.cur != j {
		return
	}
	s.srv.Log.Warnf("Background saving error: %v", err)
	s.abort(j)
	s.lastOK = false
	s.lastTimeSec = int64(time.Since(j.started).Seconds())
}

// abort stops a job on the loop's side at once; its writer stops at the
// next chunk and removes the temp file.
func (s *Saver) abort(j *job) {
	s.cur, s.last = nil, j
	j.cancel.Store(true)
	s.snaps.End(j.snap)
}

// flushed handles a flush that reaches keys the scan has not written:
// saving them first would stop the loop, so the save is given up and
// scheduled again, to write the data as the flush leaves it.
func (s *Saver) flushed(int) {
	if s.cur == nil {
		return
	}
	s.srv.Log.Infof("Database flushed during the background save: starting it again")
	s.abort(s.cur)
	s.scheduled = true
}

// cron runs ten times a second: a scheduled save, else the save points
// (Redis's serverCron): save when a point's number of changes happened
// and its seconds passed since the last save; after a failure, retry
// every 5 seconds at most.
func (s *Saver) cron() {
	if s.cur != nil || s.busy() {
		return
	}
	now := s.srv.Now()
	mayRetry := s.lastOK || now.Sub(s.lastTry) > bgsaveRetryWait
	if s.scheduled && mayRetry {
		s.Start()
		return
	}
	changes := s.srv.Dirty - s.savedDirty
	for _, pt := range s.cfg.Points {
		if changes >= pt.Changes && now.Sub(s.lastSave) > time.Duration(pt.Seconds)*time.Second && mayRetry {
			s.srv.Log.Infof("%d changes in %d seconds. Saving...", pt.Changes, pt.Seconds)
			s.Start()
			return
		}
	}
}

// WriteError is the persistence.Saves method: MISCONF while the last
// background save failed, if stop-writes-on-bgsave-error and save points
// are set (Redis's writeCommandsDeniedByDiskError).
func (s *Saver) WriteError() string {
	if s.cfg.StopWrites && len(s.cfg.Points) > 0 && !s.lastOK {
		return errMisconf
	}
	return ""
}

// Shutdown is the persistence.Saves method: give up a background save,
// then save once more if save points are set (or SHUTDOWN SAVE said so,
// and not if SHUTDOWN NOSAVE did).
func (s *Saver) Shutdown() {
	if s.cur != nil {
		s.srv.Log.Infof("There is a child saving an .rdb. Killing it!")
		s.abort(s.cur)
	}
	if s.last != nil {
		select {
		case <-s.last.exited:
		case <-time.After(10 * time.Second):
			s.srv.Log.Warnf("The background save's writer did not stop within 10 seconds")
		}
	}
	switch s.srv.ShutdownChoice() {
	case server.SaveNever:
		return
	case server.SaveIfConfigured:
		if len(s.cfg.Points) == 0 {
			return
		}
	}
	s.srv.Log.Infof("Saving the final RDB snapshot before exiting.")
	if err := s.Save(); err != nil {
		s.srv.Log.Errorf("Error trying to save the DB: %v", err)
	}
}

// WriteInfo is the persistence.Saves method: the lines of INFO
// persistence between the loading state and the AOF's, as Redis 7.0
// names them. There is no fork, so no copy-on-write sizes.
func (s *Saver) WriteInfo(b *bytes.Buffer) {
	line := func(k string, v int64) {
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(v, 10))
		b.WriteString("\r\n")
	}
	var processed, total, current int64 = 0, 0, -1
	perc := 0.0
	if j := s.cur; j != nil {
		processed, total = j.snap.Keys(), j.total
		current = int64(time.Since(j.started).Seconds())
		if total > 0 {
			perc = 100 * float64(processed) / float64(total)
		}
	}
	line("current_cow_peak", 0)
	line("current_cow_size", 0)
	line("current_cow_size_age", 0)
	b.WriteString("current_fork_perc:" + strconv.FormatFloat(perc, 'f', 2, 64) + "\r\n")
	line("current_save_keys_processed", processed)
	line("current_save_keys_total", total)
	line("rdb_changes_since_last_save", s.srv.Dirty-s.savedDirty)
	bgsave := int64(0)
	if s.cur != nil {
		bgsave = 1
	}
	line("rdb_bgsave_in_progress", bgsave)
	line("rdb_last_save_time", s.lastSave.Unix())
	status := "ok"
	if !s.lastOK {
		status = "err"
	}
	b.WriteString("rdb_last_bgsave_status:" + status + "\r\n")
	line("rdb_last_bgsave_time_sec", s.lastTimeSec)
	line("rdb_current_bgsave_time_sec", current)
	line("rdb_saves", s.saves)
	line("rdb_last_cow_size", 0)
	line("rdb_last_load_keys_expired", s.loader.expired)
	line("rdb_last_load_keys_loaded", s.loader.loaded)
}

// Reload is DEBUG RELOAD: save dump.rdb, empty the databases, load the
// file again, as Redis does to check that a dataset survives its own
// file. A file that does not load leaves the server empty, and says so.
func (s *Saver) Reload(c *server.Client) {
	if err := s.Save(); err != nil {
		c.Error("ERR")
		return
	}
	for _, db := range s.dbs {
		db.Flush()
	}
	if _, err := s.loader.File(s.path()); err != nil {
		s.srv.Log.Warnf("DEBUG RELOAD: %v", err)
		c.Error("ERR Error trying to load the RDB dump, check server logs.")
		return
	}
	s.srv.Log.Warnf("DB reloaded by DEBUG RELOAD")
	c.OK()
}
