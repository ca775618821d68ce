package aof

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Logger is what the AOF logs through; *logrus.Logger satisfies it.
type Logger interface {
	Infof(format string, args ...any)
	Warnf(format string, args ...any)
}

type nopLogger struct{}

func (nopLogger) Infof(string, ...any) {}
func (nopLogger) Warnf(string, ...any) {}

// Applier runs one replayed command against database db, the way a client
// that sent it would. args (never SELECT, MULTI or EXEC: the loader handles
// those) point into the read window and are valid only during the call. An
// error (e.g. an unknown command) stops the load.
type Applier func(db int, args [][]byte) error

// LoadResult describes a finished load.
type LoadResult struct {
	Files     int   // files read (empty ones included)
	Commands  int64 // commands applied
	Size      int64 // bytes of base + incr files after any truncation
	BaseSize  int64
	Truncated bool // a truncated tail of the last file was dropped
}

// LoadError is a file that cannot be loaded: corruption, a truncated file
// that is not the last one, an unknown command. Offset is where, in File,
// the command that could not be loaded starts.
type LoadError struct {
	File   string
	Offset int64
	Reason string
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("Bad file format reading the append only file %s at offset %d: %s. "+
		"Make a backup of your AOF directory, then use redis-check-aof --fix <manifest>",
		e.File, e.Offset, e.Reason)
}

// Tuning of the loader; variables so tests can use small windows.
var (
	// loadWindow is the initial read window; it grows only to hold a
	// single command larger than it.
	loadWindow = 256 << 10
	// progressEvery is how often a long load logs how far it got.
	progressEvery = 2 * time.Second
)

// maxAnnotation is Redis's AOF_ANNOTATION_LINE_MAX_LEN.
const maxAnnotation = 1024

// Load replays the files the manifest lists, base first and then every
// incr file in order, through apply. It streams: memory is the read window
// plus the largest command (and the commands of an open MULTI block), not
// the file size.
//
// A command cut short at the end of the last file (a crash in the middle of
// a write) is dropped with a warning and the file is truncated to the last
// complete command, like Redis with aof-load-truncated yes. A MULTI block
// without its EXEC at the end is dropped whole. Anything else that does not
// parse is an error naming the file and the offset.
func Load(d Dir, m *Manifest, apply Applier, log Logger) (LoadResult, error) {
	return LoadWithRDB(d, m, apply, nil, log)
}

// RDBLoader loads an RDB file from r into the keyspace (chapter 12) and
// returns the bytes it read: an RDB base (aof-use-rdb-preamble yes) or
// the RDB preamble of an old single-file AOF, whose commands follow it.
// name is for errors.
type RDBLoader func(r *bufio.Reader, name string) (int64, error)

// LoadWithRDB is Load for a server that reads RDB: a file that starts with
// "REDIS" is given to loadRDB, and commands after the RDB part are
// replayed as usual.
func LoadWithRDB(d Dir, m *Manifest, apply Applier, loadRDB RDBLoader, log Logger) (LoadResult, error) {
	if log == nil {
		log = nopLogger{}
	}
	var files []string
	if m.Base != nil {
		files = append(files, m.Base.Name)
	}
	for _, in := range m.Incr {
		files = append(files, in.Name)
	}
	l := &loader{dir: d, apply: apply, loadRDB: loadRDB, log: log, started: time.Now()}
	for _, name := range files {
		size, err := d.Size(name)
		if errors.Is(err, fs.ErrNotExist) {
			return LoadResult{}, fmt.Errorf("the append only file %s listed in the manifest doesn't exist", name)
		}
		if err != nil {
			return LoadResult{}, err
		}
		l.total += size
	}
	var res LoadResult
	for i, name := range files {
		start := time.Now()
		n, truncated, err := l.file(name, i == len(files)-1)
		if err != nil {
			return res, err
		}
		res.Files++
		res.Size += n
		if i == 0 && m.Base != nil {
			res.BaseSize = n
		}
		res.Truncated = res.Truncated || truncated
		kind := "incr"
		if i == 0 && m.Base != nil {
			kind = "base"
		}
		log.Infof("DB loaded from %s file %s: %.3f seconds", kind, name, time.Since(start).Seconds())
	}
	res.Commands = l.commands
	return res, nil
}

// loader holds the state of one Load.
type loader struct {
	dir      Dir
	apply    Applier
	loadRDB  RDBLoader // nil: an RDB base is refused
	log      Logger
	db       int   // database selected by the last SELECT
	commands int64 // applied so far
	total    int64 // bytes of all files, for progress
	done     int64 // bytes of finished files
	started  time.Time
	lastLog  time.Time
	window   []byte

	// An open MULTI block: its commands, copied, applied at EXEC.
	inMulti bool
	block   [][][]byte
}

// file loads one file. It returns the file's size after loading (smaller
// if a truncated tail was cut off) and whether that happened.
func (l *loader) file(name string, last bool) (size int64, truncated bool, err error) {
	path := l.dir.File(name)
	f, err := l.dir.fs().Open(path)
	if err != nil {
		return 0, false, fmt.Errorf("can't open the append log file %s for reading: %w", name, err)
	}
	defer f.Close()
	if l.window == nil {
		l.window = make([]byte, 0, loadWindow)
	}
	buf := l.window[:0]
	var (
		p           resp.Parser
		argv        [][]byte
		off         int64 // file offset of buf[0]
		valid       int64 // file offset after the last applied command
		beforeMulti int64 // valid when the open MULTI started
	)
	l.inMulti, l.block = false, nil
	bad := func(at int, reason string) error {
		return &LoadError{File: name, Offset: off + int64(at), Reason: reason}
	}
	src := bufio.NewReaderSize(f, 64<<10)
	if head, _ := src.Peek(5); bytes.Equal(head, []byte("REDIS")) {
		if l.loadRDB == nil {
			return 0, false, bad(0, "the file is in RDB format, which this server does not load (use aof-use-rdb-preamble no)")
		}
		n, err := l.loadRDB(src, name)
		if err != nil {
			return 0, false, err
		}
		off, valid = n, n
	}
	for {
		n, rerr := src.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		start := 0
		for start < len(buf) {
			if buf[start] == '#' { // annotation such as #TS:<unix time>
				nl := bytes.IndexByte(buf[start:], '\n')
				if nl < 0 {
					if len(buf)-start > maxAnnotation {
						return 0, false, bad(start, "annotation line too long")
					}
					break
				}
				start += nl + 1
				if !l.inMulti {
					valid = off + int64(start)
				}
				continue
			}
			if buf[start] != '*' {
				return 0, false, bad(start, fmt.Sprintf("expected '*', got %q", buf[start]))
			}
			args, n, perr := p.Parse(buf[start:], argv[:0])
			if perr != nil {
				return 0, false, bad(start, perr.Error())
			}
			if n == 0 {
				break
			}
			argv = args
			if len(args) == 0 {
				return 0, false, bad(start, "empty command")
			}
			if at := strictFrame(buf[start:start+n], args); at >= 0 {
				return 0, false, bad(start, fmt.Sprintf("expected CR LF at offset %d", off+int64(start+at)))
			}
			wasMulti := l.inMulti
			if err := l.command(args); err != nil {
				return 0, false, bad(start, err.Error())
			}
			if l.inMulti && !wasMulti {
				beforeMulti = valid
			}
			start += n
			if !l.inMulti {
				valid = off + int64(start)
			}
			l.progress(name, off+int64(start))
		}
		if rerr == io.EOF {
			if start == len(buf) && !l.inMulti {
				l.done += off + int64(len(buf))
				return off + int64(len(buf)), false, nil
			}
			if l.inMulti {
				l.log.Warnf("Revert incomplete MULTI/EXEC transaction in AOF file %s", name)
				valid = beforeMulti
			}
			size, err := l.truncate(name, last, valid)
			l.done += off + int64(len(buf))
			return size, true, err
		}
		if rerr != nil {
			return 0, false, fmt.Errorf("unrecoverable error reading the append only file %s: %w", name, rerr)
		}
		// Slide the window: keep the unparsed tail, move it to the front,
		// and make room for what the parser says is still missing.
		off += int64(start)
		rest := copy(buf, buf[start:])
		buf = buf[:rest]
		need := p.Need()
		switch free := cap(buf) - len(buf); {
		case free < need || free < cap(buf)/4:
			grown := make([]byte, len(buf), max(2*cap(buf), len(buf)+need+4096))
			copy(grown, buf)
			buf = grown
		case cap(buf) > 4*loadWindow && len(buf) < loadWindow/2:
			// A huge command is behind us: give its memory back.
			small := make([]byte, len(buf), loadWindow)
			copy(small, buf)
			buf = small
		}
	}
}

// command applies one command, or queues it inside MULTI.
func (l *loader) command(args [][]byte) error {
	name := args[0]
	switch {
	case bytes.EqualFold(name, []byte("multi")):
		l.inMulti, l.block = true, l.block[:0]
		return nil
	case bytes.EqualFold(name, []byte("exec")):
		block := l.block
		l.inMulti, l.block = false, nil
		for _, a := range block {
			if err := l.run(a); err != nil {
				return err
			}
		}
		return nil
	case l.inMulti:
		l.block = append(l.block, cloneArgs(args))
		return nil
	}
	return l.run(args)
}

// run applies a command that is not MULTI or EXEC; SELECT changes the
// database later commands apply to.
func (l *loader) run(args [][]byte) error {
	if bytes.EqualFold(args[0], []byte("select")) {
		if len(args) != 2 {
			return fmt.Errorf("wrong number of arguments for 'select' command")
		}
		db, err := strconv.Atoi(string(args[1]))
		if err != nil || db < 0 {
			return fmt.Errorf("invalid DB index %q", args[1])
		}
		l.db = db
		return nil
	}
	l.commands++
	return l.apply(l.db, args)
}

func cloneArgs(args [][]byte) [][]byte {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	arena := make([]byte, 0, n)
	out := make([][]byte, len(args))
	for i, a := range args {
		arena = append(arena, a...)
		out[i] = arena[len(arena)-len(a):]
	}
	return out
}

// truncate handles a file that ends in the middle of a command.
func (l *loader) truncate(name string, last bool, valid int64) (int64, error) {
	if !last {
		return 0, &LoadError{File: name, Offset: valid, Reason: "unexpected end of file, and the truncated file is not the last file"}
	}
	l.log.Warnf("!!! Warning: short read while loading the AOF file %s!!!", name)
	l.log.Warnf("!!! Truncating the AOF %s at offset %d !!!", name, valid)
	if err := l.dir.fs().Truncate(l.dir.File(name), valid); err != nil {
		return 0, fmt.Errorf("error truncating the AOF file %s: %w", name, err)
	}
	l.log.Warnf("AOF %s loaded anyway because aof-load-truncated is enabled", name)
	return valid, nil
}

// progress logs how far a long load is, at most every progressEvery.
func (l *loader) progress(name string, off int64) {
	if l.commands%1024 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(l.started) < progressEvery || now.Sub(l.lastLog) < progressEvery {
		return
	}
	l.lastLog = now
	at := l.done + off
	pct := 100.0
	if l.total > 0 {
		pct = 100 * float64(at) / float64(l.total)
	}
	l.log.Infof("Loading AOF %s: %d MB of %d MB (%.0f%%), %d commands, %.1f s",
		name, at>>20, l.total>>20, pct, l.commands, now.Sub(l.started).Seconds())
}

// strictFrame checks the line ends the request parser skips unread (it is
// lenient like Redis's networking code): in a file, a byte that is not
// where CR LF should be is corruption, and the earlier it is reported the
// less wrong data is loaded. It returns the offset of the first bad byte
// in frame, or -1.
func strictFrame(frame []byte, args [][]byte) int {
	pos := bytes.IndexByte(frame, '\r')
	if frame[pos+1] != '\n' {
		return pos + 1
	}
	pos += 2
	for _, a := range args {
		cr := pos + bytes.IndexByte(frame[pos:], '\r')
		if frame[cr+1] != '\n' {
			return cr + 1
		}
		pos = cr + 2 + len(a)
		if frame[pos] != '\r' {
			return pos
		}
		if frame[pos+1] != '\n' {
			return pos + 1
		}
		pos += 2
	}
	return -1
}
