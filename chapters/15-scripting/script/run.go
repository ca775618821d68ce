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
	// Interrupt, if set, is called on the engine's goroutine about every
	// InterruptEvery Lua instructions while the run lasts, as Redis's
	// luaMaskCountHook: the server checks the time there and, once the
	// run is past busy-reply-threshold, serves other clients for a moment
	// (SCRIPT KILL among them) before the script goes on.
	Interrupt func()

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
	r.Abort()
	return nil
}

// Abort stops the run at its next instruction even if it has written:
// the server is going away (SHUTDOWN NOSAVE during a busy script) and
// what the script did will not be kept.
func (r *Run) Abort() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.killed = true
	if r.cancel != nil {
		r.cancel()
	}
}

// InterruptEvery is how many instructions a run executes between two
// calls of Run.Interrupt: often enough that a loop is noticed within a
// fraction of a millisecond, rarely enough that the check costs nothing.
const InterruptEvery = 1000

// start gives the run its context; stop ends it.
func (r *Run) start() (context.Context, func()) {
	h := &hook{done: make(chan struct{}), interrupt: r.Interrupt}
	r.mu.Lock()
	r.cancel = h.cancel
	if r.killed {
		h.cancel()
	}
	r.mu.Unlock()
	return h, h.cancel
}

// hook is the context a run executes under. gopher-lua has no
// instruction hook, but it asks its context for Done before every
// instruction; counting those calls gives Redis's count hook without
// another goroutine. Once cancelled (Kill), Done is closed and every
// following instruction raises the error again, so a pcall in the script
// cannot catch the kill and go on.
type hook struct {
	n         int
	interrupt func()
	done      chan struct{}

	mu     sync.Mutex
	closed bool
	after  []func()
}

func (h *hook) Done() <-chan struct{} {
	if h.interrupt != nil {
		if h.n++; h.n >= InterruptEvery {
			h.n = 0
			h.interrupt()
		}
	}
	return h.done
}

func (h *hook) cancel() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.done)
	after := h.after
	h.after = nil
	h.mu.Unlock()
	for _, fn := range after {
		fn()
	}
}

func (h *hook) Err() error {
	select {
	case <-h.done:
		return context.Canceled
	default:
		return nil
	}
}

func (h *hook) Deadline() (time.Time, bool) { return time.Time{}, false }
func (h *hook) Value(any) any               { return nil }

// AfterFunc lets the contexts of coroutines, which gopher-lua derives
// from this one, learn of a kill without a watching goroutine (one would
// call Done, and so the interrupt, from outside the engine's goroutine).
func (h *hook) AfterFunc(fn func()) func() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		go fn()
		return func() bool { return false }
	}
	h.after = append(h.after, fn)
	i := len(h.after) - 1
	return func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.closed || i >= len(h.after) || h.after[i] == nil {
			return false
		}
		h.after[i] = nil
		return true
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
