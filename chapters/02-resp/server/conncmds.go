package server

import (
	"sort"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/glob"
	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// addConnectionCommands installs the commands every chapter's server has:
// enough for redis-cli, redis-benchmark and go-redis to connect and look
// around.
func (s *Server) addConnectionCommands() {
	s.Commands.Add(
		&Command{Name: "ping", Arity: -1, Flags: Fast, Group: "connection", Run: ping},
		&Command{Name: "echo", Arity: 2, Flags: Fast, Group: "connection", Run: echo},
		&Command{Name: "hello", Arity: -1, Flags: NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, Group: "connection", Run: hello},
		&Command{Name: "auth", Arity: -2, Flags: NoScript | Loading | Stale | Fast | NoAuth | AllowBusy, Group: "connection", Run: auth},
		&Command{Name: "quit", Arity: -1, Flags: AllowBusy | NoScript | Loading | Stale | Fast | NoAuth, Group: "connection", Run: quit},
		s.commandCommand(),
		s.configCommand(),
		&Command{Name: "info", Arity: -1, Flags: Loading | Stale, Group: "server", Run: s.infoCommand},
	)
}

func ping(c *Client) {
	switch len(c.Args) {
	case 1:
		c.W.SimpleString("PONG")
	case 2:
		c.W.Bulk(c.Args[1])
	default:
		c.ErrArity()
	}
}

func echo(c *Client) { c.W.Bulk(c.Args[1]) }

func quit(c *Client) {
	c.OK()
	c.CloseAfterReply()
}

// hello is HELLO [protover [AUTH username password] [SETNAME name]]: it
// switches the connection between RESP2 and RESP3 and answers with a map
// that describes the server.
func hello(c *Client) {
	args := c.Args
	ver := 0
	next := 1
	if len(args) >= 2 {
		v, ok := resp.ParseInt(args[1]) // Redis's strict string2ll: no "+3", no "03"
		if !ok {
			c.Error("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			c.Error("NOPROTO unsupported protocol version")
			return
		}
		ver = int(v)
		next = 2
	}
	var user, pass, name []byte
	setName := false
	for j := next; j < len(args); j++ {
		more := len(args) - 1 - j
		opt := string(args[j])
		switch {
		case strings.EqualFold(opt, "AUTH") && more >= 2:
			user, pass = args[j+1], args[j+2]
			j += 2
		case strings.EqualFold(opt, "SETNAME") && more >= 1:
			// Redis checks the name as it meets the option, before AUTH.
			if !validName(args[j+1]) {
				c.Error(errClientName)
				return
			}
			name, setName = args[j+1], true
			j++
		default:
			c.Error("ERR Syntax error in HELLO option '" + opt + "'")
			return
		}
	}
	if user != nil && !c.Srv.authenticate(c, string(user), string(pass)) {
		c.Error("WRONGPASS invalid username-password pair or user is disabled.")
		return
	}
	if !c.Authenticated {
		c.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	if setName && !c.SetName(name) {
		return
	}
	if ver != 0 {
		c.Proto = ver
		c.W.Proto = ver
	}
	c.W.Map(7)
	c.W.BulkString("server")
	c.W.BulkString("redis")
	c.W.BulkString("version")
	c.W.BulkString(Version)
	c.W.BulkString("proto")
	c.W.Int(int64(c.Proto))
	c.W.BulkString("id")
	c.W.Int(c.ID)
	c.W.BulkString("mode")
	c.W.BulkString("standalone")
	c.W.BulkString("role")
	c.W.BulkString("master")
	c.W.BulkString("modules")
	c.W.Array(0)
}

// SetName validates and sets the client name (CLIENT SETNAME, HELLO
// SETNAME); on a bad name it replies the error and returns false.
func (c *Client) SetName(name []byte) bool {
	if !validName(name) {
		c.Error(errClientName)
		return false
	}
	c.Name = string(name)
	return true
}

const errClientName = "ERR Client names cannot contain spaces, newlines or special characters."

// validName allows the printable ASCII characters but space, as Redis's
// validateClientName does, so CLIENT LIST stays one line per client.
func validName(name []byte) bool {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

// authenticate checks a user and password the way Redis's default user
// does: with no requirepass any password is accepted ("nopass").
func (s *Server) authenticate(c *Client, user, pass string) bool {
	ok := user == "default" && (s.RequirePass == "" || pass == s.RequirePass)
	if ok {
		c.Authenticated = true
		c.parser.Unauthenticated = false
	}
	return ok
}

// auth is AUTH [username] password.
func auth(c *Client) {
	s := c.Srv
	switch len(c.Args) {
	case 2:
		if s.RequirePass == "" {
			c.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
			return
		}
		if !s.authenticate(c, "default", string(c.Args[1])) {
			c.Error("WRONGPASS invalid username-password pair or user is disabled.")
			return
		}
	case 3:
		if !s.authenticate(c, string(c.Args[1]), string(c.Args[2])) {
			c.Error("WRONGPASS invalid username-password pair or user is disabled.")
			return
		}
	default:
		c.ErrSyntax()
		return
	}
	c.OK()
}

// unknownSubcommand is Redis's reply for CONFIG FOO, COMMAND FOO, ...
func unknownSubcommand(c *Client) { c.Error(unknownSubcommandError(c.Args)) }

func unknownSubcommandError(args [][]byte) string {
	return "ERR unknown subcommand '" + truncate(string(args[1]), 128) + "'. Try " + strings.ToUpper(string(args[0])) + " HELP."
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// aclCategories are Redis 7's ACL categories in the order COMMAND INFO
// lists them.
var aclCategories = []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash",
	"string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting"}

// Categories derives the command's ACL categories from its flags and group,
// as Redis does when a command's JSON file does not list them explicitly.
func (cmd *Command) Categories() []string {
	has := map[string]bool{}
	if cmd.Flags&Write != 0 {
		has["write"] = true
	}
	if cmd.Flags&ReadOnly != 0 {
		has["read"] = true
	}
	if cmd.Flags&Admin != 0 {
		has["admin"], has["dangerous"] = true, true
	}
	if cmd.Flags&PubSub != 0 {
		has["pubsub"] = true
	}
	if cmd.Flags&Fast != 0 {
		has["fast"] = true
	} else {
		has["slow"] = true
	}
	if cmd.Flags&Blocking != 0 {
		has["blocking"] = true
	}
	if cmd.Group == "generic" {
		has["keyspace"] = true
	} else if cmd.Group != "" && cmd.Group != "server" {
		has[cmd.Group] = true
	}
	var out []string
	for _, name := range aclCategories {
		if has[name] {
			out = append(out, "@"+name)
		}
	}
	return out
}

func (s *Server) commandCommand() *Command {
	sub := Table{}
	sub.Add(
		&Command{Name: "count", Arity: 2, Flags: Loading | Stale, Run: func(c *Client) { c.W.Int(int64(len(s.Commands))) }},
		&Command{Name: "info", Arity: -2, Flags: Loading | Stale, Run: s.commandInfo},
		&Command{Name: "docs", Arity: -2, Flags: Loading | Stale, Run: s.commandDocs},
		&Command{Name: "list", Arity: -2, Flags: Loading | Stale, Run: s.commandList},
		&Command{Name: "getkeys", Arity: -4, Flags: Loading | Stale, Run: s.commandGetKeys},
		&Command{Name: "getkeysandflags", Arity: -4, Flags: Loading | Stale, Run: func(c *Client) { s.getKeys(c, true) }},
		&Command{Name: "help", Arity: 2, Flags: Loading | Stale, Run: commandHelp},
	)
	return &Command{Name: "command", Arity: -1, Flags: Loading | Stale, Group: "server", Subcommands: sub, Run: func(c *Client) {
		if len(c.Args) == 1 {
			names := s.sortedNames()
			c.W.Array(len(names))
			for _, name := range names {
				s.writeCommandInfo(c, s.Commands[name])
			}
			return
		}
		unknownSubcommand(c)
	}}
}

// commandHelp is COMMAND HELP, in Redis's words.
func commandHelp(c *Client) {
	ReplyHelp(c,
		"(no subcommand)",
		"    Return details about all Redis commands.",
		"COUNT",
		"    Return the total number of commands in this Redis server.",
		"LIST",
		"    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]",
		"    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]",
		"    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>",
		"    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>",
		"    Return the keys and the access flags from a full Redis command.")
}

func (s *Server) sortedNames() []string {
	names := make([]string, 0, len(s.Commands))
	for name := range s.Commands {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// commandInfo is COMMAND INFO [name ...]: one 10-element entry per command,
// null for names it does not know.
func (s *Server) commandInfo(c *Client) {
	names := c.Args[2:]
	if len(names) == 0 {
		all := s.sortedNames()
		c.W.Array(len(all))
		for _, name := range all {
			s.writeCommandInfo(c, s.Commands[name])
		}
		return
	}
	c.W.Array(len(names))
	for _, name := range names {
		cmd := s.Commands.LookupFull(name)
		if cmd == nil {
			c.W.NullArray()
			continue
		}
		s.writeCommandInfo(c, cmd)
	}
}

func (s *Server) writeCommandInfo(c *Client, cmd *Command) {
	w := c.W
	w.Array(10)
	w.BulkString(cmd.FullName())
	w.Int(int64(cmd.Arity))
	flags := cmd.Flags.Names()
	w.Set(len(flags))
	for _, f := range flags {
		w.SimpleString(f)
	}
	w.Int(int64(cmd.FirstKey))
	w.Int(int64(cmd.LastKey))
	w.Int(int64(cmd.Step))
	if d := cmd.description(); d != nil {
		w.Value(d.categories) // Redis's own, as its command table lists them
		w.Value(d.tips)
		w.Value(d.keySpecs)
	} else {
		cats := cmd.Categories()
		w.Set(len(cats))
		for _, cat := range cats {
			w.SimpleString(cat)
		}
		w.Array(0) // tips
		w.Array(0) // key specs
	}
	subs := cmd.Subcommands.sorted()
	w.Array(len(subs))
	for _, sub := range subs {
		s.writeCommandInfo(c, sub)
	}
}

// commandDocs is COMMAND DOCS [name ...]: Redis 7.0's documentation of
// each command (writeDocs), a map from full name to docs; names it does
// not know are left out.
func (s *Server) commandDocs(c *Client) {
	names := c.Args[2:]
	var cmds []*Command
	if len(names) == 0 {
		for _, name := range s.sortedNames() {
			cmds = append(cmds, s.Commands[name])
		}
	} else {
		for _, name := range names {
			if cmd := s.Commands.LookupFull(name); cmd != nil {
				cmds = append(cmds, cmd)
			}
		}
	}
	c.W.Map(len(cmds))
	for _, cmd := range cmds {
		c.W.BulkString(cmd.FullName())
		writeDocs(c.W, cmd)
	}
}

// commandList is COMMAND LIST [FILTERBY MODULE name | ACLCAT cat | PATTERN p]:
// the full names of commands and subcommands ("config|get").
func (s *Server) commandList(c *Client) {
	args := c.Args[2:]
	var keep func(cmd *Command) bool
	switch {
	case len(args) == 0:
		keep = func(*Command) bool { return true }
	case len(args) == 3 && strings.EqualFold(string(args[0]), "FILTERBY"):
		val := string(args[2])
		switch strings.ToUpper(string(args[1])) {
		case "MODULE":
			keep = func(*Command) bool { return false }
		case "ACLCAT":
			keep = func(cmd *Command) bool {
				for _, cat := range cmd.Categories() {
					if strings.EqualFold(cat[1:], val) {
						return true
					}
				}
				return false
			}
		case "PATTERN":
			keep = func(cmd *Command) bool { return glob.MatchString(val, cmd.FullName(), true) }
		}
	}
	if keep == nil {
		c.ErrSyntax()
		return
	}
	// Like Redis 7, each container is followed by its subcommands.
	var out []string
	for _, name := range s.sortedNames() {
		cmd := s.Commands[name]
		if keep(cmd) {
			out = append(out, name)
		}
		for _, sub := range cmd.Subcommands.sorted() {
			if keep(sub) {
				out = append(out, sub.FullName())
			}
		}
	}
	c.W.Array(len(out))
	for _, name := range out {
		c.W.BulkString(name)
	}
}

// commandGetKeys is COMMAND GETKEYS cmd arg...: the key arguments of a call.
func (s *Server) commandGetKeys(c *Client) { s.getKeys(c, false) }

// getKeys is COMMAND GETKEYS and GETKEYSANDFLAGS command [arg ...]: the
// keys a call would touch, found as the server finds them (KeyArgs),
// with Redis's checks in Redis's order.
func (s *Server) getKeys(c *Client, withFlags bool) {
	args := c.Args[2:]
	cmd := s.lookup(args)
	switch {
	case cmd == nil:
		c.Error("ERR Invalid command specified")
		return
	case !cmd.hasKeys():
		c.Error("ERR The command has no key arguments")
		return
	case !cmd.arityOK(len(args)):
		c.Error("ERR Invalid number of arguments specified for command")
		return
	}
	keys := cmd.KeyArgs(args)
	if len(keys) == 0 {
		if cmd.Flags&NoMandatoryKeys != 0 {
			c.W.Array(0)
		} else {
			c.Error("ERR Invalid arguments specified for command")
		}
		return
	}
	c.W.Array(len(keys))
	for _, k := range keys {
		if !withFlags {
			c.W.Bulk(args[k.Pos])
			continue
		}
		c.W.Array(2)
		c.W.Bulk(args[k.Pos])
		c.W.Set(len(k.Flags))
		for _, f := range k.Flags {
			c.W.SimpleString(f)
		}
	}
}
