package server

import (
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/reactor"
	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// Client is one connection's session, like Redis's client struct: its
// protocol, name, selected database and the commands cut from its input.
//
// Ownership: the loop goroutine owns every field, except that during the
// read phase an I/O goroutine may fill Conn's input buffer and run the parser
// into argv/cmds (see readAndParse); the loop waits for that phase to end
// before it looks at them.
type Client struct {
	ID   int64
	Conn *reactor.Conn
	Srv  *Server

	// Args are the current command's arguments, Args[0] the name as sent.
	// They point into the connection's input buffer and are valid only while
	// the command runs: a handler that keeps an argument must copy it.
	Args [][]byte
	// W writes the reply to the current command. It is the server's shared
	// reply buffer, set up for this client's protocol before each command.
	W *resp.Writer

	Proto         int // 2 or 3
	Name          string
	LibName       string
	LibVer        string
	DB            int
	Authenticated bool
	Created       time.Time
	LastActive    time.Time
	LastCmd       *Command
	// Reply is CLIENT REPLY's state: whether this client's replies are sent.
	Reply ReplyMode
	// NotTo are the targets this client's changes are not propagated to:
	// none for a client; a script's redis.set_repl sets them for the
	// commands it runs.
	NotTo Targets

	slots []any // per-layer state, indexed by Slot

	parser   resp.Parser
	argv     [][]byte  // arguments of every command parsed this turn, back to back
	scratch  [][]byte  // one command's arguments from the parser
	cmds     []cmdSpan // where each parsed command sits in argv and in the input
	more     bool      // input left unparsed on purpose (one command at a time before AUTH)
	readErr  error     // from the last Fill
	parseErr error     // a protocol error after the parsed commands

	prop       [][]byte   // what Propagate recorded for the running command
	also       [][][]byte // what PropagateAlso recorded, in order
	propagated bool
	blocked    bool
	closeAfter bool
}

// ReplyMode says whether a client's replies are sent (CLIENT REPLY).
type ReplyMode uint8

const (
	ReplyOn       ReplyMode = iota
	ReplyOff                // CLIENT REPLY OFF: drop every reply
	ReplySkipNext           // CLIENT REPLY SKIP was just called: its own reply is dropped, then ReplySkip
	ReplySkip               // drop the reply to this command only
)

// SetAuthenticated sets whether the client has authenticated, and with it
// the parser's tighter limits for clients that have not (RESET, AUTH).
func (c *Client) SetAuthenticated(ok bool) {
	c.Authenticated = ok
	c.parser.Unauthenticated = !ok
}

// cmdSpan locates one parsed command: its arguments argv[from:to], and the
// input bytes it occupies, up to end.
type cmdSpan struct {
	from, to int
	end      int
}

// OK replies +OK.
func (c *Client) OK() { c.W.SimpleString("OK") }

// Error replies with an error; msg starts with its code ("ERR ...").
func (c *Client) Error(msg string) { c.W.Error(msg) }

// ErrArity replies Redis's wrong-arity error for the running command.
func (c *Client) ErrArity() {
	name := "unknown"
	if c.LastCmd != nil {
		name = c.LastCmd.FullName()
	}
	c.W.Error("ERR wrong number of arguments for '" + name + "' command")
}

// ErrSyntax replies "-ERR syntax error".
func (c *Client) ErrSyntax() { c.W.Error("ERR syntax error") }

// Propagate records that the running command changed data and what the AOF
// (and anything else that follows changes) should replay. With no arguments
// it means "the command as it was received". Handlers that turn relative
// times into absolute ones pass the rewritten form, e.g. SET k v PXAT <ms>.
func (c *Client) Propagate(args ...[]byte) {
	c.propagated = true
	if len(args) == 0 {
		c.prop = c.Args
		return
	}
	c.prop = args
}

// PropagateAlso records one more command to replay in place of the
// running one, which is then not propagated itself (Redis's
// alsoPropagate with preventCommandPropagation): XREADGROUP's
// deliveries go to the AOF as one XCLAIM each. They join the pending
// changes of the execution unit (Server.Call), which wraps more than one
// in MULTI/EXEC so that loading applies all or none.
func (c *Client) PropagateAlso(args ...[]byte) {
	c.also = append(c.also, args)
}

// CloseAfterReply closes the connection once the running command's reply
// has been sent (QUIT, protocol errors), like Redis's CLIENT_CLOSE_AFTER_REPLY.
func (c *Client) CloseAfterReply() { c.closeAfter = true }

// Block marks the client as waiting (a later layer's blocking commands):
// its remaining input is not processed until Unblock. Its socket is still
// read, as Redis reads a blocked client, so that one that hangs up while
// it waits is closed (and forgotten by the layer it waits in) at once.
func (c *Client) Block() { c.blocked = true }

// Unblock resumes a blocked client on the next loop turn.
func (c *Client) Unblock() {
	c.blocked = false
	c.Conn.Requeue()
}

// Blocked reports whether the client waits in a blocking command.
func (c *Client) Blocked() bool { return c.blocked }

// Slot names one layer's per-client state (the MULTI queue, the
// subscriptions, a blocked client's keys, admin's flags): the one way a
// layer keeps state on a client. Server.NewSlot hands them out at
// registration; a client that never uses a layer pays nothing for it.
type Slot int

// NewSlot reserves a per-client slot for a layer. owner.Reset is called
// for each client that holds something in the slot when the client goes
// away or sends RESET.
func (s *Server) NewSlot(owner ClientState) Slot {
	s.layers.slotOwners = append(s.layers.slotOwners, owner)
	return Slot(len(s.layers.slotOwners) - 1)
}

// ResetClientState drops every layer's state for c (a client that went
// away, RESET): Redis's clearClientConnectionState, layer by layer. The
// layers' states are independent, so the order does not matter.
func (s *Server) ResetClientState(c *Client) {
	for k, v := range c.slots {
		if v != nil {
			s.layers.slotOwners[k].Reset(c)
		}
	}
}

// Slot returns what a layer stored in slot k, or nil.
func (c *Client) Slot(k Slot) any {
	if int(k) < len(c.slots) {
		return c.slots[k]
	}
	return nil
}

// SetSlot stores a layer's state in slot k (nil clears it).
func (c *Client) SetSlot(k Slot, v any) {
	for int(k) >= len(c.slots) {
		c.slots = append(c.slots, nil)
	}
	c.slots[k] = v
}
