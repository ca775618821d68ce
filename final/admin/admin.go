// Package admin is the operator's side of the final server: the server and
// connection commands (CLIENT, INFO, MONITOR, SHUTDOWN, RESET, TIME,
// LASTSAVE, DEBUG SLEEP) and the limits that keep one client from hurting
// the others (protected mode, maxclients, idle timeout, output buffer
// limits). It is Redis's networking.c client commands and server.c's
// clientsCron in one package, built on the layer places of package server's command path.
//
// Everything here runs on the loop goroutine.
package admin

import (
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/monitor"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/outlimit"
	"github.com/gocache/gocache/final/config"
)

// Version is gocache's own version, reported next to the Redis version it
// follows.
const Version = "0.1.0"

// Desc is what the other layers say about a client for CLIENT LIST:
// its subscriptions, its MULTI queue, extra flag letters.
type Desc struct {
	Flags    string // flag letters, e.g. "P" (pub/sub), "x" (in MULTI), "b" (blocked)
	Sub      int    // channels
	Psub     int    // patterns
	Ssub     int    // shard channels
	Multi    int    // commands queued in MULTI; -1 outside MULTI
	MultiMem int    // bytes queued in MULTI
	PubSub   bool   // the client is in pub/sub mode (client type "pubsub")
	Tracking string // CLIENT TRACKING's letters: t, and R (broken redirect), B (broadcast)
	Redir    int64  // the client tracking redirects to; -1 when tracking is off
}

// pubsubCounts is what INFO and CLIENT LIST read of Pub/Sub beyond the
// path's view (chapter 10's pubsub has it): channels, patterns and shard
// channels with subscribers, and a client's shard channels.
type pubsubCounts interface {
	Channels() int
	Patterns() int
	ShardChannels() int
	Shards(c *server.Client) int
}

// Tracking is client-side caching as CLIENT and INFO see it
// (chapter 10's tracking): its CLIENT subcommands, what CLIENT LIST shows of a
// client, and INFO's counts.
type Tracking interface {
	Subcommands() []*server.Command
	Describe(c *server.Client) (flags string, redirect int64)
	Stats() (clients, keys, items, prefixes int)
}

// Admin is the running admin layer.
type Admin struct {
	srv *server.Server
	cfg *config.Values

	// IsLocal decides whether a peer address is on the loopback interface,
	// for protected mode. Tests replace it to act as a remote peer.
	IsLocal func(addr string) bool

	// debugSubs are the DEBUG subcommands other layers add (AddDebug).
	debugSubs map[string]DebugSub

	maxClients    int
	timeout       time.Duration
	protectedMode bool
	limits        outlimit.Limits

	slot      server.Slot // each client's clientState, when it has one
	monitor   *monitor.Monitor
	doomed    []*server.Client // to close before the loop sleeps
	pause     pause
	errs      map[string]int64 // errorstats
	started   time.Time
	lastStats statSample
	peakMem   uint64

	tracking Tracking // nil without client-side caching

	runID  string // INFO run_id
	replID string // INFO master_replid
}

// clientState is what admin keeps per client beyond server.Client.
type clientState struct {
	noEvict  bool
	noTouch  bool
	overSoft time.Time // when the output first passed the soft limit (zero: not over)
	held     bool      // postponed by CLIENT PAUSE
}

// Register installs the commands, INFO sections and limits on s, reading
// the limits from cfg and following their changes (CONFIG SET). Admin
// fills several places of the command path: admission, CLIENT PAUSE,
// the observer of every reply (output limits, error statistics) and
// CONFIG RESETSTAT's errorstats; and it registers chapter 10's MONITOR,
// whose clients CLIENT LIST flags and the idle timeout spares.
func Register(s *server.Server, cfg *config.Values) *Admin {
	a := &Admin{
		srv:     s,
		cfg:     cfg,
		IsLocal: IsLocal,
		errs:    map[string]int64{},
		started: s.Now(),
	}
	a.slot = s.NewSlot(a)
	a.monitor = monitor.Register(s)
	a.followConfig()
	a.addCommands()
	a.addInfo()
	a.installLimits()
	s.UseStats(a)
	return a
}

// UseTracking adds client-side caching's subcommands to CLIENT, and its
// view of each client to CLIENT LIST and INFO.
func (a *Admin) UseTracking(t Tracking) {
	if a.tracking != nil {
		panic("admin: tracking is already set")
	}
	a.tracking = t
	a.srv.Commands.Lookup([]byte("client")).AddSubcommands(t.Subcommands()...)
}

// ResetStats clears errorstats and the instantaneous rates on CONFIG
// RESETSTAT (server.StatsResetter).
func (a *Admin) ResetStats() {
	a.errs = map[string]int64{}
	a.lastStats = statSample{}
}

// get returns c's admin state, nil when it has none.
func (a *Admin) get(c *server.Client) *clientState {
	st, _ := c.Slot(a.slot).(*clientState)
	return st
}

// state returns c's admin state, creating it.
func (a *Admin) state(c *server.Client) *clientState {
	st := a.get(c)
	if st == nil {
		st = &clientState{}
		c.SetSlot(a.slot, st)
	}
	return st
}

// Reset drops c's admin state (server.ClientState): a client that went
// away, or RESET. It is no longer held by a pause; a RESET client is not
// held anyway, since it runs a command.
func (a *Admin) Reset(c *server.Client) {
	if st := a.get(c); st != nil {
		if st.held {
			a.pause.drop(c)
		}
	}
	c.SetSlot(a.slot, nil)
}

// describe asks the other layers of the server about c.
func (a *Admin) describe(c *server.Client) Desc {
	d := Desc{Multi: -1, Redir: -1}
	if a.tracking != nil {
		d.Tracking, d.Redir = a.tracking.Describe(c)
	}
	if ps := a.srv.Subscriptions(); ps != nil {
		d.Sub, d.Psub = ps.Count(c)
		if sh, ok := ps.(pubsubCounts); ok {
			d.Ssub = sh.Shards(c)
		}
		d.PubSub = ps.Subscribed(c)
		if d.PubSub {
			d.Flags += "P"
		}
	}
	if tx := a.srv.Transactions(); tx != nil {
		d.Multi, d.MultiMem = tx.Queued(c)
		if d.Multi >= 0 {
			d.Flags += "x"
		}
	}
	return d
}

// NoTouch reports CLIENT NO-TOUCH for c: the data layer then leaves keys'
// access times alone for its reads.
func (a *Admin) NoTouch(c *server.Client) bool {
	st := a.get(c)
	return st != nil && st.noTouch
}
