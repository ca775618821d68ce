package admin

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// addCommands installs the server and connection commands this package
// owns, with Redis 7.0's arities and flags.
func (a *Admin) addCommands() {
	s := a.srv
	s.Commands.Add(
		a.clientCommand(),
		&server.Command{Name: "reset", Arity: 1, Flags: server.NoScript | server.Loading | server.Stale | server.Fast | server.NoAuth | server.AllowBusy, Group: "connection", Run: a.reset},
		&server.Command{Name: "time", Arity: 1, Flags: server.Loading | server.Stale | server.Fast, Group: "server", Run: a.time},
		&server.Command{Name: "shutdown", Arity: -1, Flags: server.Admin | server.NoScript | server.Loading | server.Stale | server.NoMulti | server.AllowBusy, Group: "server", Run: a.shutdownCommand},
		&server.Command{Name: "debug", Arity: -2, Flags: server.Admin | server.NoScript | server.Loading | server.Stale, Group: "server", Run: a.debug},
	)
}

// time is TIME: the server's clock as seconds and microseconds.
func (a *Admin) time(c *server.Client) {
	now := a.srv.Now()
	c.W.Array(2)
	c.W.BulkString(strconv.FormatInt(now.Unix(), 10))
	c.W.BulkString(strconv.Itoa(now.Nanosecond() / 1000))
}

// reset is RESET: the connection goes back to the state of a new one
// (Redis's clearClientConnectionState), in every layer.
func (a *Admin) reset(c *server.Client) {
	a.srv.ResetClientState(c) // every layer's: MULTI, subscriptions, MONITOR, ...
	c.DB = 0
	c.Name = ""
	c.Reply = server.ReplyOn
	c.Proto = 2
	c.W.Proto = 2
	c.SetAuthenticated(a.srv.RequirePass == "")
	c.W.SimpleString("RESET")
}

// DebugSub is a DEBUG subcommand another layer owns (DEBUG RELOAD is
// the RDB layer's): Args is its number of arguments after DEBUG and the
// subcommand's name, Help its lines in DEBUG HELP.
type DebugSub struct {
	Args int
	Help []string
	Run  func(c *server.Client)
}

// AddDebug adds a DEBUG subcommand; adding a name twice is a wiring bug.
func (a *Admin) AddDebug(name string, sub DebugSub) {
	name = strings.ToLower(name)
	if a.debugSubs == nil {
		a.debugSubs = map[string]DebugSub{}
	}
	if _, dup := a.debugSubs[name]; dup || name == "sleep" || name == "help" {
		panic("admin: DEBUG " + name + " added twice")
	}
	a.debugSubs[name] = sub
}

// debug is the part of DEBUG that makes sense for gocache: DEBUG SLEEP
// blocks the event loop, as in Redis, to show what a slow command does to
// every other client; other layers add theirs (AddDebug).
func (a *Admin) debug(c *server.Client) {
	sub := strings.ToLower(string(c.Args[1]))
	if d, ok := a.debugSubs[sub]; ok && len(c.Args)-2 <= d.Args {
		d.Run(c)
		return
	}
	switch {
	case sub == "sleep" && len(c.Args) == 3:
		secs, _ := strconv.ParseFloat(string(c.Args[2]), 64) // Redis's atof: garbage is 0
		if secs > 0 {
			time.Sleep(time.Duration(secs * float64(time.Second)))
		}
		c.OK()
	case sub == "help" && len(c.Args) == 2:
		lines := []string{"SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed."}
		for _, name := range slices.Sorted(maps.Keys(a.debugSubs)) {
			lines = append(lines, a.debugSubs[name].Help...)
		}
		server.ReplyHelp(c, lines...)
	default:
		c.Error("ERR unknown subcommand or wrong number of arguments for '" + string(c.Args[1]) + "'. Try DEBUG HELP.")
	}
}

// shutdownCommand is SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On
// success there is no reply: the process exits and the connection closes.
// gocache shuts down at once (it has no replicas to wait for), so ABORT
// finds nothing to abort. SAVE saves dump.rdb even without save points,
// NOSAVE does not save it even with them.
func (a *Admin) shutdownCommand(c *server.Client) {
	var save, nosave, other, abort bool
	for _, arg := range c.Args[1:] {
		switch strings.ToLower(string(arg)) {
		case "nosave":
			nosave = true
		case "save":
			save = true
		case "now", "force":
			other = true
		case "abort":
			abort = true
		default:
			c.ErrSyntax()
			return
		}
	}
	if (abort && (save || nosave || other)) || (save && nosave) {
		c.ErrSyntax()
		return
	}
	if abort {
		c.Error("ERR No shutdown in progress.")
		return
	}
	if busy := a.srv.Busy(); busy != "" && !nosave {
		// A script is running past busy-reply-threshold: stopping
		// cleanly would keep half of it, so only NOSAVE, which drops
		// it, may stop the server.
		c.Error(busy)
		return
	}
	a.srv.Log.Warnf("User requested shutdown...")
	// Nothing more from this client: Redis would not return from here.
	c.Block()
	choice := server.SaveIfConfigured
	switch {
	case save:
		choice = server.SaveAlways
	case nosave:
		choice = server.SaveNever
	}
	a.srv.ShutdownSaving(choice)
}
