package server

import "fmt"

// The layers later chapters add plug into the command path (path.go) at
// fixed places, each through a small interface. A Server holds at most
// one layer per place, set by the package that implements it (Use...);
// a second one panics at start-up, so two layers cannot compete for one
// place and the order in which a program registers them never matters.
// A place left empty lets every command through.

// Admission decides whether a new connection may stay: maxclients and
// protected mode (final/admin). A non-empty refusal is sent as an error
// and the connection is closed.
type Admission interface {
	Admit(c *Client) (refusal string)
}

// Transactions is MULTI as the command path sees it (chapter 10's multi): who
// is inside a transaction, what it queued, and the two things a refusal
// does to it, as Redis's flagTransaction and execCommandAbort.
type Transactions interface {
	// InMulti reports whether c is between MULTI and EXEC or DISCARD.
	InMulti(c *Client) bool
	// QueuedFlags are the flags of the commands c queued, or-ed (Redis's
	// mstate.cmd_flags): EXEC counts as a write, may grow memory or
	// may replicate when one of them does.
	QueuedFlags(c *Client) Flags
	// Queue keeps the command c sent (c.Args, cmd) for EXEC; the path
	// replies +QUEUED.
	Queue(c *Client, cmd *Command)
	// Flag marks c's transaction as failed: a command was refused while
	// it queued, and EXEC will answer EXECABORT.
	Flag(c *Client)
	// Discard ends c's transaction without running it (a refused EXEC).
	Discard(c *Client)
	// Queued is CLIENT LIST's view: commands queued (-1 outside MULTI)
	// and the bytes of their arguments.
	Queued(c *Client) (cmds, bytes int)
}

// Memory is maxmemory (chapter 11's evict).
type Memory interface {
	// OutOfMemory makes room for the command c is about to run, evicting
	// keys under the policy, and reports whether memory is still over
	// the limit. The path then refuses what may grow memory (-OOM).
	OutOfMemory(c *Client) bool
	// UsedMemory is INFO's used_memory, the figure compared with
	// maxmemory.
	UsedMemory() uint64
}

// Persistence is the append-only file (chapter 04): every change reaches
// it through Feed, in the order it happened; while it cannot write, the
// path refuses writes with its WriteError; Shutdown makes it durable.
type Persistence interface {
	Follower
	// WriteError is the MISCONF reply while changes cannot be written to
	// disk, "" while they can.
	WriteError() string
	// Shutdown flushes and fsyncs on a clean stop.
	Shutdown()
}

// Follower receives every change to the data, in execution order: the
// database index and the command that replays it. The AOF is one; a
// test's recorder (and later a replica link) are others.
type Follower interface {
	Feed(db int, args [][]byte)
}

// Subscriptions is Pub/Sub as the path sees it (chapter 10's pubsub): a RESP2
// client with a subscription may only send the commands of subscribed
// mode.
type Subscriptions interface {
	Subscribed(c *Client) bool
	// Count is CLIENT LIST's view: channels and patterns c is
	// subscribed to.
	Count(c *Client) (channels, patterns int)
}

// Pause is CLIENT PAUSE (final/admin).
type Pause interface {
	// Postpone reports whether c's command must wait for the end of a
	// pause (mayReplicate: it writes, or may); if so it has blocked c
	// (Client.Block) and unblocks it when the pause ends, and the command
	// runs then, from the start of the path.
	Postpone(c *Client, mayReplicate bool) bool
}

// KeyWaiters is the blocking commands (chapter 06's package block):
// clients that wait for a key to be written.
type KeyWaiters interface {
	// ServeReady serves the clients waiting for keys that the last
	// top-level command wrote (Redis's handleClientsBlockedOnKeys).
	ServeReady()
	// Unblock answers a waiting client for CLIENT UNBLOCK, as if its
	// timeout had passed or with -UNBLOCKED, and reports whether it was
	// waiting here.
	Unblock(c *Client, withError bool) bool
	// WithTimeout is the number of waiting clients that gave a timeout
	// (INFO's clients_in_timeout_table).
	WithTimeout() int
}

// CallObserver sees each command after it ran, EXEC's queued commands
// included, with its arguments still in c.Args; changed says whether a
// change was propagated while it ran (its own, or a key it found expired,
// or one evicted to make room). MONITOR feeds its watchers from here, as Redis's
// call() does; WATCH learns which watched keys really changed.
// Observers are independent: none changes what another sees.
type CallObserver interface {
	Called(c *Client, cmd *Command, changed bool)
}

// OutputObserver sees each reply or pushed message after it was added to
// a client's output: the output buffer limits and the error statistics
// (final/admin).
type OutputObserver interface {
	Wrote(c *Client, out []byte)
}

// ClientState is a layer's per-client state, kept in a Slot. Reset drops
// it: when the client goes away, and on RESET.
type ClientState interface {
	Reset(c *Client)
}

// StatsResetter clears a layer's own counters on CONFIG RESETSTAT.
type StatsResetter interface {
	ResetStats()
}

// layers are the places of the path and who fills them.
type layers struct {
	admission     Admission
	tx            Transactions
	memory        Memory
	persistence   Persistence
	subscriptions Subscriptions
	pause         Pause
	blocking      KeyWaiters
	output        OutputObserver
	stats         []StatsResetter

	callObservers []CallObserver
	followers     []Follower
	slotOwners    []ClientState // by Slot
}

// once sets one place, panicking if it is taken: two layers for one
// place is a wiring mistake that would otherwise pass silently.
func once[T comparable](place *T, v T, name string) {
	var zero T
	if *place != zero {
		panic(fmt.Sprintf("server: %s is already %T; cannot also use %T", name, *place, v))
	}
	*place = v
}

// UseAdmission installs the admission layer.
func (s *Server) UseAdmission(a Admission) { once(&s.layers.admission, a, "admission") }

// UseTransactions installs the MULTI layer.
func (s *Server) UseTransactions(t Transactions) { once(&s.layers.tx, t, "transactions") }

// UseMemory installs the maxmemory layer.
func (s *Server) UseMemory(m Memory) { once(&s.layers.memory, m, "memory") }

// UsePersistence installs the AOF.
func (s *Server) UsePersistence(p Persistence) { once(&s.layers.persistence, p, "persistence") }

// UseSubscriptions installs Pub/Sub's subscribed mode.
func (s *Server) UseSubscriptions(p Subscriptions) {
	once(&s.layers.subscriptions, p, "subscriptions")
}

// UsePause installs CLIENT PAUSE.
func (s *Server) UsePause(p Pause) { once(&s.layers.pause, p, "pause") }

// UseKeyWaiters installs the blocking commands' waiting room.
func (s *Server) UseKeyWaiters(w KeyWaiters) { once(&s.layers.blocking, w, "key waiters") }

// UseOutput installs the observer of every reply.
func (s *Server) UseOutput(o OutputObserver) { once(&s.layers.output, o, "output") }

// UseStats adds a layer whose counters CONFIG RESETSTAT also clears
// (errorstats, the latency histograms).
func (s *Server) UseStats(r StatsResetter) { s.layers.stats = append(s.layers.stats, r) }

// ObserveCalls adds an observer of every call.
func (s *Server) ObserveCalls(o CallObserver) {
	s.layers.callObservers = append(s.layers.callObservers, o)
}

// Follow adds a follower of the changes besides the AOF (a test's
// recorder; later a replica link).
func (s *Server) Follow(f Follower) { s.layers.followers = append(s.layers.followers, f) }

// Transactions is the MULTI layer, nil without one.
func (s *Server) Transactions() Transactions { return s.layers.tx }

// Subscriptions is the Pub/Sub layer, nil without one.
func (s *Server) Subscriptions() Subscriptions { return s.layers.subscriptions }

// Memory is the maxmemory layer, nil without one.
func (s *Server) Memory() Memory { return s.layers.memory }

// KeyWaiters is the blocking commands' layer, nil without one.
func (s *Server) KeyWaiters() KeyWaiters { return s.layers.blocking }
