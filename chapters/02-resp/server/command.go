package server

import (
	"strings"
)

// Flags describe a command the way Redis's command table does. The server
// reads them (NoAuth, Write, Loading, ...) and COMMAND INFO reports them.
type Flags uint32

const (
	Write Flags = 1 << iota
	ReadOnly
	DenyOOM
	Admin
	PubSub
	NoScript
	Blocking
	Loading
	Stale
	SkipMonitor
	SkipSlowlog
	Fast
	NoAuth
	MayReplicate
	NoMulti
	AllowBusy
	Movablekeys
	NoMandatoryKeys
)

// flagNames are Redis 7's spellings, in the order COMMAND INFO lists them.
var flagNames = []struct {
	f    Flags
	name string
}{
	{Write, "write"}, {ReadOnly, "readonly"}, {DenyOOM, "denyoom"}, {Admin, "admin"},
	{PubSub, "pubsub"}, {NoScript, "noscript"}, {Blocking, "blocking"}, {Loading, "loading"},
	{Stale, "stale"}, {SkipMonitor, "skip_monitor"}, {SkipSlowlog, "skip_slowlog"},
	{Fast, "fast"}, {NoAuth, "no_auth"}, {MayReplicate, "may_replicate"},
	{NoMandatoryKeys, "no_mandatory_keys"}, {NoMulti, "no_multi"},
	{Movablekeys, "movablekeys"}, {AllowBusy, "allow_busy"},
}

// Names lists the flag names set in f.
func (f Flags) Names() []string {
	var names []string
	for _, fn := range flagNames {
		if f&fn.f != 0 {
			names = append(names, fn.name)
		}
	}
	return names
}

// Command is one row of the command table, like Redis's redisCommand: what
// the command is called, how many arguments it takes, what kind of command it
// is, where its keys are, and the function that runs it.
type Command struct {
	Name     string // lowercase, e.g. "get"
	Arity    int    // >0: exactly that many arguments (name included); <0: at least -Arity
	Flags    Flags
	FirstKey int // position of the first key argument, 0 if none
	LastKey  int // position of the last key; -1 means the last argument
	Step     int // distance between keys (MSET k v k v: 2)
	Group    string
	Run      func(c *Client) // reads c.Args, writes the reply with c.W
	// Subcommands, for container commands such as CONFIG and CLIENT: the
	// lookup descends into them so arity errors name "config|get".
	Subcommands Table

	// Statistics for INFO commandstats; owned by the loop goroutine.
	Calls, Usec, RejectedCalls, FailedCalls int64

	fullName string // "config|get" for a subcommand
}

// NewCommand builds a command from the columns of a Redis command table row,
// in their order: name, arity, flags, first key, last key, key step, group
// and handler. A package with a long table writes one call per line and the
// table reads like server.c's; positional fields of an imported struct
// would need field names on every row (go vet rejects unkeyed ones). A
// container command or a short list reads as well with a keyed
// &Command{...}.
func NewCommand(name string, arity int, flags Flags, firstKey, lastKey, step int, group string, run func(c *Client)) *Command {
	return &Command{Name: name, Arity: arity, Flags: flags,
		FirstKey: firstKey, LastKey: lastKey, Step: step, Group: group, Run: run}
}

// FullName is the name Redis uses in error messages: "get", "config|get".
func (cmd *Command) FullName() string {
	if cmd.fullName != "" {
		return cmd.fullName
	}
	return cmd.Name
}

func (cmd *Command) arityOK(argc int) bool {
	if cmd.Arity > 0 {
		return argc == cmd.Arity
	}
	return argc >= -cmd.Arity
}

// Table maps lowercase command names to commands.
type Table map[string]*Command

// Add registers commands. A name registered twice is a wiring mistake
// (two layers that both think they own a command), so it panics at
// start-up, as redcon's ServeMux.Handle does; a later chapter that
// extends a command says so with Replace.
func (t Table) Add(cmds ...*Command) {
	for _, cmd := range cmds {
		if t[cmd.Name] != nil {
			panic("server: command " + cmd.Name + " registered twice (use Replace to extend it)")
		}
		t.put(cmd)
	}
}

// Replace registers cmd in place of the command of the same name, which
// must exist: a later chapter's fuller version of a command (Pub/Sub's
// PING, the final server's SET with every option).
func (t Table) Replace(cmds ...*Command) {
	for _, cmd := range cmds {
		if t[cmd.Name] == nil {
			panic("server: Replace of " + cmd.Name + ", which is not registered")
		}
		t.put(cmd)
	}
}

func (t Table) put(cmd *Command) {
	for _, sub := range cmd.Subcommands {
		cmd.adopt(sub)
	}
	t[cmd.Name] = cmd
}

// AddSubcommands adds subcommands to a container command already in a
// table: a later layer's part of it (client-side caching's CLIENT
// TRACKING). A name added twice panics, as in Table.Add.
func (cmd *Command) AddSubcommands(subs ...*Command) {
	if cmd.Subcommands == nil {
		cmd.Subcommands = Table{}
	}
	cmd.Subcommands.Add(subs...)
	for _, sub := range subs {
		cmd.adopt(sub)
	}
}

// adopt names sub after its container ("client|id") and puts it in the
// container's group, as Redis's subcommands are.
func (cmd *Command) adopt(sub *Command) {
	sub.fullName = cmd.Name + "|" + sub.Name
	if sub.Group == "" {
		sub.Group = cmd.Group
	}
}

// Lookup finds a command by the name a client sent, in any case. The common
// case, a name already in lowercase or uppercase, allocates nothing: the map
// lookup with string(b) does not copy, and the lowercased copy lives on the
// stack.
func (t Table) Lookup(name []byte) *Command {
	if cmd, ok := t[string(name)]; ok {
		return cmd
	}
	var buf [32]byte
	if len(name) > len(buf) {
		return t[strings.ToLower(string(name))]
	}
	lower := buf[:len(name)]
	for i, ch := range name {
		if ch >= 'A' && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		lower[i] = ch
	}
	return t[string(lower)]
}

// Keys returns the positions of the key arguments of args for cmd, from
// FirstKey, LastKey and Step (COMMAND GETKEYS, and later WATCH-like users).
func (cmd *Command) Keys(argc int) []int {
	if cmd.FirstKey <= 0 || argc <= cmd.FirstKey {
		return nil
	}
	last := cmd.LastKey
	if last < 0 {
		last = argc + last
	}
	if last >= argc {
		last = argc - 1
	}
	step := cmd.Step
	if step <= 0 {
		step = 1
	}
	var pos []int
	for i := cmd.FirstKey; i <= last; i += step {
		pos = append(pos, i)
	}
	return pos
}

// ReplyHelp is Redis's addReplyHelp, the reply to "<command> HELP": a
// status line naming the command as the client typed it (upper-cased),
// then lines (each subcommand and its description), then HELP itself.
func ReplyHelp(c *Client, lines ...string) {
	c.W.Array(len(lines) + 3)
	c.W.SimpleString(strings.ToUpper(string(c.Args[0])) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.W.SimpleString(l)
	}
	c.W.SimpleString("HELP")
	c.W.SimpleString("    Prints this help.")
}
