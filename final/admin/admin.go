// Package admin is the operator's side of the final server: the server and
// connection commands (CLIENT, INFO, MONITOR, SHUTDOWN, RESET, TIME,
// LASTSAVE, DEBUG SLEEP) and the limits that keep one client from hurting
// the others (protected mode, maxclients, idle timeout, output buffer
// limits). It is Redis's networking.c client commands and server.c's
// clientsCron in one package, built on the hooks of package server.
//
// Everything here runs on the loop goroutine.
package admin

import (
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/final/config"
	"github.com/gocache/gocache/final/outlimit"
)

// Version is gocache's own version, reported next to the Redis version it
// follows.
const Version = "0.1.0"

// Desc is what other layers tell CLIENT LIST about a client: its
// subscriptions, its MULTI queue, extra flag letters. A describer fills in
// the fields it knows.
type Desc struct {
	Flags    string // flag letters, e.g. "P" (pub/sub), "x" (in MULTI), "b" (blocked)
	Sub      int    // channels
	Psub     int    // patterns
	Ssub     int    // shard channels
	Multi    int    // commands queued in MULTI; -1 outside MULTI
	MultiMem int    // bytes queued in MULTI
	PubSub   bool   // the client is in pub/sub mode (client type "pubsub")
}

// Admin is the running admin layer.
type Admin struct {
	srv *server.Server
	cfg *config.Values

	// Describe hooks let later layers (pub/sub, transactions) fill a
	// client's CLIENT LIST fields and its type.
	Describe []func(c *server.Client, d *Desc)
	// OnReset hooks undo a layer's per-client state on RESET (discard the
	// MULTI queue, unsubscribe ...).
	OnReset []func(c *server.Client)
	// UsedMemory, when set, is INFO's used_memory: the figure maxmemory
	// is compared with (the evictor's); nil means heap object bytes.
	UsedMemory func() uint64
	// Unblock answers a client waiting in a blocking command for CLIENT
	// UNBLOCK (withError: -UNBLOCKED instead of the timeout reply) and
	// reports whether it was waiting there; the blocking layer sets it.
	Unblock func(c *server.Client, withError bool) bool
	// InTimeoutTable counts the blocked clients with a timeout, for INFO.
	InTimeoutTable func() int
	// IsLocal decides whether a peer address is on the loopback interface,
	// for protected mode. Tests replace it to act as a remote peer.
	IsLocal func(addr string) bool

	maxClients    int
	timeout       time.Duration
	protectedMode bool
	limits        outlimit.Limits

	clients   map[int64]*clientState // clients with non-default admin state
	monitors  []*server.Client
	doomed    []*server.Client // to close before the loop sleeps
	pause     pause
	errs      map[string]int64 // errorstats
	started   time.Time
	lastStats statSample
	peakMem   uint64

	shuttingDown bool
	runID        string // INFO run_id
	replID       string // INFO master_replid
}

// clientState is what admin keeps per client beyond server.Client.
type clientState struct {
	monitor  bool
	noEvict  bool
	noTouch  bool
	overSoft time.Time // when the output first passed the soft limit (zero: not over)
	held     bool      // postponed by CLIENT PAUSE
}

// Register installs the commands, INFO sections and limits on s, reading
// the limits from cfg and following their changes (CONFIG SET).
func Register(s *server.Server, cfg *config.Values) *Admin {
	a := &Admin{
		srv:     s,
		cfg:     cfg,
		IsLocal: IsLocal,
		clients: map[int64]*clientState{},
		errs:    map[string]int64{},
		started: s.Now(),
	}
	a.followConfig()
	a.addCommands()
	a.addInfo()
	a.installLimits()
	s.OnClose = append(s.OnClose, a.forget)
	s.OnResetStat = append(s.OnResetStat, func() { a.errs = map[string]int64{} })
	return a
}

// state returns c's admin state, creating it.
func (a *Admin) state(c *server.Client) *clientState {
	st := a.clients[c.ID]
	if st == nil {
		st = &clientState{}
		a.clients[c.ID] = st
	}
	return st
}

// forget drops a closed client's state.
func (a *Admin) forget(c *server.Client) {
	if st := a.clients[c.ID]; st != nil {
		if st.monitor {
			a.removeMonitor(c)
		}
		if st.held {
			a.pause.drop(c)
		}
	}
	delete(a.clients, c.ID)
}

// describe asks every layer about c.
func (a *Admin) describe(c *server.Client) Desc {
	d := Desc{Multi: -1}
	for _, fn := range a.Describe {
		fn(c, &d)
	}
	return d
}

// NoTouch reports CLIENT NO-TOUCH for c: the data layer then leaves keys'
// access times alone for its reads.
func (a *Admin) NoTouch(c *server.Client) bool {
	st := a.clients[c.ID]
	return st != nil && st.noTouch
}
