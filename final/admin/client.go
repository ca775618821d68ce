package admin

import (
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// clientCommand is CLIENT and its subcommands, with Redis 7's arities.
func (a *Admin) clientCommand() *server.Command {
	const conn = server.NoScript | server.Loading | server.Stale
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "id", Arity: 2, Flags: conn, Run: func(c *server.Client) { c.W.Int(c.ID) }},
		&server.Command{Name: "setname", Arity: 3, Flags: conn, Run: clientSetName},
		&server.Command{Name: "getname", Arity: 2, Flags: conn, Run: clientGetName},
		&server.Command{Name: "list", Arity: -2, Flags: server.Admin | conn, Run: a.clientList},
		&server.Command{Name: "info", Arity: 2, Flags: conn, Run: func(c *server.Client) { c.W.Verbatim("txt", a.clientLine(c, c)+"\n") }},
		&server.Command{Name: "kill", Arity: -3, Flags: server.Admin | conn, Run: a.clientKill},
		&server.Command{Name: "setinfo", Arity: 4, Flags: conn, Run: clientSetInfo},
		&server.Command{Name: "no-evict", Arity: 3, Flags: server.Admin | conn, Run: a.onOff(func(st *clientState, on bool) { st.noEvict = on })},
		&server.Command{Name: "no-touch", Arity: 3, Flags: conn, Run: a.onOff(func(st *clientState, on bool) { st.noTouch = on })},
		&server.Command{Name: "pause", Arity: -3, Flags: server.Admin | conn, Run: a.clientPause},
		&server.Command{Name: "unpause", Arity: 2, Flags: server.Admin | conn, Run: func(c *server.Client) { a.unpause(); c.OK() }},
		&server.Command{Name: "reply", Arity: 3, Flags: conn, Run: clientReply},
		&server.Command{Name: "unblock", Arity: -3, Flags: server.Admin | conn, Run: a.clientUnblock},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Run: clientHelp},
	)
	return &server.Command{Name: "client", Arity: -2, Group: "connection", Subcommands: sub, Run: unknownSubcommand}
}

// unknownSubcommand is Redis's reply for CLIENT FOO.
func unknownSubcommand(c *server.Client) {
	sub := string(c.Args[1])
	if len(sub) > 128 {
		sub = sub[:128]
	}
	c.Error("ERR unknown subcommand '" + sub + "'. Try " + strings.ToUpper(string(c.Args[0])) + " HELP.")
}

func clientSetName(c *server.Client) {
	if c.SetName(c.Args[2]) {
		c.OK()
	}
}

func clientGetName(c *server.Client) {
	if c.Name == "" {
		c.W.Null()
		return
	}
	c.W.BulkString(c.Name)
}

// clientSetInfo is CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2).
func clientSetInfo(c *server.Client) {
	attr, val := strings.ToLower(string(c.Args[2])), string(c.Args[3])
	for _, ch := range []byte(val) {
		if ch < '!' || ch > '~' {
			c.Error("ERR " + attr + " cannot contain spaces, newlines or special characters.")
			return
		}
	}
	switch attr {
	case "lib-name":
		c.LibName = val
	case "lib-ver":
		c.LibVer = val
	default:
		c.Error("ERR Unrecognized option '" + string(c.Args[2]) + "'")
		return
	}
	c.OK()
}

// onOff builds CLIENT NO-EVICT / NO-TOUCH: ON or OFF, anything else is a
// syntax error.
func (a *Admin) onOff(set func(st *clientState, on bool)) func(c *server.Client) {
	return func(c *server.Client) {
		switch strings.ToLower(string(c.Args[2])) {
		case "on":
			set(a.state(c), true)
		case "off":
			set(a.state(c), false)
		default:
			c.ErrSyntax()
			return
		}
		c.OK()
	}
}

// clientReply is CLIENT REPLY ON|OFF|SKIP. OFF and SKIP have no reply of
// their own.
func clientReply(c *server.Client) {
	switch strings.ToLower(string(c.Args[2])) {
	case "on":
		c.Reply = server.ReplyOn
		c.OK()
	case "off":
		c.Reply = server.ReplyOff
	case "skip":
		if c.Reply != server.ReplyOff {
			c.Reply = server.ReplySkipNext
		}
	default:
		c.ErrSyntax()
	}
}

// clientType is Redis's getClientType name for c.
func (a *Admin) clientType(c *server.Client) string {
	if a.describe(c).PubSub {
		return "pubsub"
	}
	return "normal"
}

// typeByName is Redis's getClientTypeByName; "" for an unknown name.
func typeByName(name string) string {
	switch strings.ToLower(name) {
	case "normal":
		return "normal"
	case "slave", "replica":
		return "slave"
	case "pubsub":
		return "pubsub"
	case "master":
		return "master"
	}
	return ""
}

// clientList is CLIENT LIST [TYPE type | ID id [id ...]].
func (a *Admin) clientList(c *server.Client) {
	var b strings.Builder
	args := c.Args
	switch {
	case len(args) == 4 && strings.EqualFold(string(args[2]), "type"):
		typ := typeByName(string(args[3]))
		if typ == "" {
			c.Error("ERR Unknown client type '" + string(args[3]) + "'")
			return
		}
		for _, cl := range a.srv.Clients() {
			if a.clientType(cl) == typ {
				b.WriteString(a.clientLine(c, cl) + "\n")
			}
		}
	case len(args) > 3 && strings.EqualFold(string(args[2]), "id"):
		byID := map[int64]*server.Client{}
		for _, cl := range a.srv.Clients() {
			byID[cl.ID] = cl
		}
		for _, arg := range args[3:] {
			id, ok := resp.ParseInt(arg)
			if !ok {
				c.Error("ERR Invalid client ID")
				return
			}
			if cl := byID[id]; cl != nil {
				b.WriteString(a.clientLine(c, cl) + "\n")
			}
		}
	case len(args) != 2:
		c.ErrSyntax()
		return
	default:
		for _, cl := range a.srv.Clients() {
			b.WriteString(a.clientLine(c, cl) + "\n")
		}
	}
	c.W.Verbatim("txt", b.String())
}

// clientKill is CLIENT KILL addr (the old form: +OK or an error) and
// CLIENT KILL <filter value> ... (the new form: the number killed).
func (a *Admin) clientKill(c *server.Client) {
	var (
		id               int64
		typ, addr, laddr string
		skipMe, oldForm  = true, false
		filterUser       string
	)
	args := c.Args
	if len(args) == 3 {
		addr, skipMe, oldForm = string(args[2]), false, true
	} else {
		for i := 2; i < len(args); i += 2 {
			opt := strings.ToLower(string(args[i]))
			if i+1 >= len(args) {
				c.ErrSyntax()
				return
			}
			val := string(args[i+1])
			switch opt {
			case "id":
				n, ok := resp.ParseInt(args[i+1])
				if !ok || n < 1 {
					c.Error("ERR client-id should be greater than 0")
					return
				}
				id = n
			case "type":
				if typ = typeByName(val); typ == "" {
					c.Error("ERR Unknown client type '" + val + "'")
					return
				}
			case "addr":
				addr = val
			case "laddr":
				laddr = val
			case "user":
				if val != "default" {
					c.Error("ERR No such user '" + val + "'")
					return
				}
				filterUser = val
			case "skipme":
				switch strings.ToLower(val) {
				case "yes":
					skipMe = true
				case "no":
					skipMe = false
				default:
					c.ErrSyntax()
					return
				}
			default:
				c.ErrSyntax()
				return
			}
		}
	}
	killed := 0
	for _, cl := range a.srv.Clients() {
		switch {
		case addr != "" && cl.Conn.RemoteAddr() != addr,
			laddr != "" && cl.Conn.LocalAddr() != laddr,
			typ != "" && a.clientType(cl) != typ,
			id != 0 && cl.ID != id,
			filterUser != "" && filterUser != "default",
			cl == c && skipMe:
			continue
		}
		if cl == c {
			c.CloseAfterReply()
		} else {
			cl.Conn.CloseNow()
		}
		killed++
	}
	if !oldForm {
		c.W.Int(int64(killed))
		return
	}
	if killed == 0 {
		c.Error("ERR No such client")
		return
	}
	c.OK()
}

// clientHelp lists the subcommands gocache has, in Redis's words.
func clientHelp(c *server.Client) {
	server.ReplyHelp(c,
		"GETNAME", "    Return the name of the current connection.",
		"ID", "    Return the ID of the current connection.",
		"INFO", "    Return information about the current client connection.",
		"KILL <ip:port>", "    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)", "      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Kill connections by type.",
		"    * USER <username>", "      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)", "      Skip killing current connection (default: yes).",
		"    * ID <client-id>", "      Kill connections by client id.",
		"LIST [options ...]", "    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)", "      Return clients of specified type.",
		"UNPAUSE", "    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]", "    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)", "    Control the replies sent to the current connection.",
		"SETNAME <name>", "    Assign the name <name> to the current connection.",
		"SETINFO <LIB-NAME|LIB-VER> <value>", "    Set client meta attr.",
		"NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
		"NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.",
	)
}

// clientUnblock is CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 if the client was
// waiting in a blocking command and is now answered (as by a timeout, or
// with -UNBLOCKED), 0 otherwise. The blocking layer does the answering
// (server.KeyWaiters.Unblock).
func (a *Admin) clientUnblock(c *server.Client) {
	id, ok := resp.ParseInt(c.Args[2])
	if !ok {
		c.Error("ERR value is not an integer or out of range")
		return
	}
	withError := false
	if len(c.Args) > 4 {
		c.ErrSyntax()
		return
	}
	if len(c.Args) == 4 {
		switch strings.ToUpper(string(c.Args[3])) {
		case "TIMEOUT":
		case "ERROR":
			withError = true
		default:
			c.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	for _, target := range c.Srv.Clients() {
		if target.ID == id && target.Blocked() && a.srv.KeyWaiters() != nil && a.srv.KeyWaiters().Unblock(target, withError) {
			c.W.Int(1)
			return
		}
	}
	c.W.Int(0)
}
