package script

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Repl is a script's replication target, set with redis.set_repl.
type Repl int

// The REPL_* constants of the redis table.
const (
	ReplNone    Repl = 0
	ReplAOF     Repl = 1
	ReplReplica Repl = 2
	ReplAll     Repl = 3
)

// Caller runs one command for a script through the server's command
// path, as redis.call and redis.pcall do, and returns the reply as RESP
// in protocol resp (2 or 3, per redis.setresp). The server applies the
// run's flags there: no-writes refuses writes, deny-oom refuses writes
// when over maxmemory, and so on. wrote reports that the command was a
// write, after which the script can no longer be killed.
type Caller interface {
	Call(args [][]byte, resp int, repl Repl) (reply []byte, wrote bool)
}

// Log levels of redis.log.
const (
	LogDebug   = 0
	LogVerbose = 1
	LogNotice  = 2
	LogWarning = 3
)

// Run is one execution of a script or function: what the server hands
// the engine, and the state the engine keeps while it runs.
type Run struct {
	Caller Caller
	// Proto is the calling client's protocol; the result is written in it.
	Proto int
	Keys  [][]byte
	Args  [][]byte
	// Log receives redis.log's messages; nil drops them.
	Log func(level int, msg string)
	// BusyAfter is busy-reply-threshold; when a run lasts longer,
	// OnBusy is called once, from another goroutine, so that the server
	// can start answering -BUSY and accept SCRIPT KILL / FUNCTION KILL.
	BusyAfter time.Duration
	OnBusy    func(elapsed time.Duration)

	resp  int
	repl  Repl
	wrote atomic.Bool

	mu     sync.Mutex
	cancel context.CancelFunc
	killed bool
}

// ErrUnkillable is SCRIPT KILL's reply once the script has written.
var ErrUnkillable = errors.New("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")

// msgKilled is the error a killed script ends with.
const msgKilled = "Script killed by user with SCRIPT KILL..."

// Wrote reports whether the run has executed a write command.
func (r *Run) Wrote() bool { return r.wrote.Load() }

// Kill stops the run at its next instruction, unless it has written:
// then it must run to the end, and Kill returns ErrUnkillable. Kill may
// be called from any goroutine.
func (r *Run) Kill() error {
	if r.wrote.Load() {
		return ErrUnkillable
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.killed = true
	if r.cancel != nil {
		r.cancel()
	}
	return nil
}

// start gives the run its context and its busy timer; stop ends both.
func (r *Run) start() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.cancel = cancel
	if r.killed {
		cancel()
	}
	r.mu.Unlock()
	var timer *time.Timer
	if r.OnBusy != nil && r.BusyAfter > 0 {
		began := time.Now()
		timer = time.AfterFunc(r.BusyAfter, func() { r.OnBusy(time.Since(began)) })
	}
	return ctx, func() {
		if timer != nil {
			timer.Stop()
		}
		cancel()
	}
}

// Replies the server gives around a long script (script.c).
const (
	// ErrBusyScript answers other clients while an EVAL runs too long.
	ErrBusyScript = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	// ErrBusyFunction is the same for an FCALL.
	ErrBusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	// ErrNotBusy answers SCRIPT KILL and FUNCTION KILL when nothing runs.
	ErrNotBusy = "NOTBUSY No scripts in execution right now."
)
