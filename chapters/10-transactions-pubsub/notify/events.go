package notify

import (
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// changedKey is a key a command changed, and whether it existed before.
type changedKey struct {
	db      int
	key     string
	existed bool
}

// event is one notification.
type event struct {
	class int
	name  string
	db    int
	key   string
}

// kind is how a command's event relates to what happened to a key.
type kind int

const (
	change kind = iota // the event, then del if the key is gone (a pop that emptied a list)
	store              // the event if the destination exists now, del if it did and is gone
	gone               // del: the command deletes (DEL, GETDEL)
	timed              // the event, or only del when a time in the past removed the key (EXPIRE -1)
)

// rule is one command's event: its class and name, or a function of the
// arguments for the commands whose event depends on them (LMOVE's
// directions, SET's EX).
type rule struct {
	class int
	name  string
	kind  kind
	fn    func(args [][]byte, key string) []event // nil: the one event above
}

func r(class int, name string) rule        { return rule{class: class, name: name} }
func storeAs(class int, name string) rule  { return rule{class: class, name: name, kind: store} }
func expiring(class int, name string) rule { return rule{class: class, name: name, kind: timed} }
func by(fn func(args [][]byte, key string) []event) rule {
	return rule{fn: fn}
}

// rules are the events of Redis 7.0's commands, by full name. A
// command not here announces nothing.
var rules = map[string]rule{
	// Keys.
	"del": {class: Generic, name: "del", kind: gone}, "unlink": {class: Generic, name: "del", kind: gone},
	"getdel": {class: Generic, name: "del", kind: gone},
	"expire": expiring(Generic, "expire"), "pexpire": expiring(Generic, "expire"),
	"expireat": expiring(Generic, "expire"), "pexpireat": expiring(Generic, "expire"),
	"persist": r(Generic, "persist"), "restore": r(Generic, "restore"),
	"getex": {fn: getexEvent, kind: timed},
	// Strings.
	"set": by(setEvent), "setnx": r(String, "set"), "getset": r(String, "set"),
	"setex": by(setexEvent), "psetex": by(setexEvent),
	"mset": r(String, "set"), "msetnx": r(String, "set"),
	"incr": r(String, "incrby"), "decr": r(String, "incrby"), "incrby": r(String, "incrby"), "decrby": r(String, "incrby"),
	"incrbyfloat": r(String, "incrbyfloat"), "append": r(String, "append"), "setrange": r(String, "setrange"),
	"setbit": r(String, "setbit"), "bitfield": r(String, "setbit"), "bitop": storeAs(String, "set"),
	"pfadd": r(String, "pfadd"), "pfmerge": r(String, "pfadd"), // Redis announces a merge as pfadd
	// Lists.
	"lpush": r(List, "lpush"), "lpushx": r(List, "lpush"), "rpush": r(List, "rpush"), "rpushx": r(List, "rpush"),
	"lpop": r(List, "lpop"), "rpop": r(List, "rpop"), "blpop": r(List, "lpop"), "brpop": r(List, "rpop"),
	"linsert": r(List, "linsert"), "lset": r(List, "lset"), "lrem": r(List, "lrem"), "ltrim": r(List, "ltrim"),
	"lmpop": by(mpopEvent(1, List, "lpop", "rpop", "left")), "blmpop": by(mpopEvent(2, List, "lpop", "rpop", "left")),
	// Hashes.
	"hset": r(Hash, "hset"), "hmset": r(Hash, "hset"), "hsetnx": r(Hash, "hset"),
	"hincrby": r(Hash, "hincrby"), "hincrbyfloat": r(Hash, "hincrbyfloat"), "hdel": r(Hash, "hdel"),
	// Sets.
	"sadd": r(Set, "sadd"), "srem": r(Set, "srem"), "spop": r(Set, "spop"),
	"sinterstore": storeAs(Set, "sinterstore"), "sunionstore": storeAs(Set, "sunionstore"), "sdiffstore": storeAs(Set, "sdiffstore"),
	// Sorted sets.
	"zadd": by(zaddEvent), "zincrby": r(ZSet, "zincr"), "zrem": r(ZSet, "zrem"),
	"zremrangebyscore": r(ZSet, "zremrangebyscore"), "zremrangebyrank": r(ZSet, "zremrangebyrank"),
	"zremrangebylex": r(ZSet, "zremrangebylex"),
	"zpopmin":        r(ZSet, "zpopmin"), "zpopmax": r(ZSet, "zpopmax"), "bzpopmin": r(ZSet, "zpopmin"), "bzpopmax": r(ZSet, "zpopmax"),
	"zmpop": by(mpopEvent(1, ZSet, "zpopmin", "zpopmax", "min")), "bzmpop": by(mpopEvent(2, ZSet, "zpopmin", "zpopmax", "min")),
	"zunionstore": storeAs(ZSet, "zunionstore"), "zinterstore": storeAs(ZSet, "zinterstore"),
	"zdiffstore": storeAs(ZSet, "zdiffstore"), "zrangestore": storeAs(ZSet, "zrangestore"),
	"geoadd": r(ZSet, "zadd"), "geosearchstore": storeAs(ZSet, "geosearchstore"),
	"georadius": storeAs(ZSet, "georadiusstore"), "georadiusbymember": storeAs(ZSet, "georadiusstore"),
	"sort": storeAs(Generic, "sortstore"),
	// Streams.
	"xadd": r(Stream, "xadd"), "xtrim": r(Stream, "xtrim"), "xdel": r(Stream, "xdel"), "xsetid": r(Stream, "xsetid"),
	"xgroup|create": r(Stream, "xgroup-create"), "xgroup|setid": r(Stream, "xgroup-setid"),
	"xgroup|destroy": r(Stream, "xgroup-destroy"), "xgroup|createconsumer": r(Stream, "xgroup-createconsumer"),
	"xgroup|delconsumer": r(Stream, "xgroup-delconsumer"),
}

// eventsOf are the events of a call that changed keys, in the order
// Redis announces them: per key, new (if the command created it), the
// command's event, and del if it emptied the key.
func eventsOf(args [][]byte, db int, cmd *server.Command, keys []changedKey, exists func(db int, key string) bool) []event {
	switch name := cmd.FullName(); name {
	case "rename", "renamenx", "move", "copy":
		return pairEvents(args, db, name, keys, exists)
	case "lmove", "blmove", "rpoplpush", "brpoplpush", "smove":
		return moveEvents(args, db, name, keys, exists)
	}
	rl, ok := rules[cmd.FullName()]
	if !ok {
		return nil
	}
	var out []event
	for _, k := range keys {
		now := exists(k.db, k.key)
		if !k.existed && now {
			out = append(out, event{New, "new", k.db, k.key})
		}
		var evs []event
		switch {
		case rl.fn != nil && (rl.kind != timed || now):
			evs = rl.fn(args, k.key)
		case rl.kind == gone || (rl.kind == store || rl.kind == timed) && !now:
			if k.existed {
				out = append(out, event{Generic, "del", k.db, k.key})
			}
			continue
		default:
			evs = []event{{class: rl.class, name: rl.name}}
		}
		for _, ev := range evs {
			ev.db, ev.key = k.db, k.key
			out = append(out, ev)
		}
		if k.existed && !now && (len(evs) == 0 || evs[len(evs)-1].name != "del") {
			out = append(out, event{Generic, "del", k.db, k.key})
		}
	}
	return out
}

// pairEvents are the events of the commands that move a value from one
// key to another: RENAME's rename_from and rename_to, MOVE's move_from
// and move_to (in two databases), COPY's copy_to, each destination
// announced new first when it was.
func pairEvents(args [][]byte, db int, name string, keys []changedKey, exists func(db int, key string) bool) []event {
	src := string(args[1])
	var from, to *changedKey
	for i := range keys {
		k := &keys[i]
		switch {
		case k.db == db && k.key == src && from == nil:
			from = k
		default:
			to = k
		}
	}
	var out []event
	if to != nil && !to.existed && exists(to.db, to.key) {
		out = append(out, event{New, "new", to.db, to.key})
	}
	switch name {
	case "rename", "renamenx":
		if from != nil && to != nil {
			out = append(out, event{Generic, "rename_from", from.db, from.key}, event{Generic, "rename_to", to.db, to.key})
		}
	case "move":
		if from != nil && to != nil {
			out = append(out, event{Generic, "move_from", from.db, from.key}, event{Generic, "move_to", to.db, to.key})
		}
	case "copy":
		if to != nil {
			out = append(out, event{Generic, "copy_to", to.db, to.key})
		}
	}
	return out
}

func one(class int, name string) []event { return []event{{class: class, name: name}} }

// hasArg reports whether one of args (after the first two) is word.
func hasArg(args [][]byte, words ...string) bool {
	for _, a := range args[min(2, len(args)):] {
		for _, w := range words {
			if strings.EqualFold(string(a), w) {
				return true
			}
		}
	}
	return false
}

// setEvent is SET's: set, and expire when it gave a time to live.
func setEvent(args [][]byte, _ string) []event {
	if hasArg(args[1:], "ex", "px", "exat", "pxat") {
		return []event{{class: String, name: "set"}, {class: Generic, name: "expire"}}
	}
	return one(String, "set")
}

func setexEvent([][]byte, string) []event {
	return []event{{class: String, name: "set"}, {class: Generic, name: "expire"}}
}

// getexEvent is GETEX's: persist for PERSIST, else expire (or del, when
// the time was in the past: eventsOf sees the key gone).
func getexEvent(args [][]byte, _ string) []event {
	if hasArg(args, "persist") {
		return one(Generic, "persist")
	}
	return one(Generic, "expire")
}

// moveEvents are the events of the commands that move one element from
// a source to a destination, in Redis's order: LMOVE and RPOPLPUSH (and
// their blocking forms) push onto the destination first, then announce
// the pop from the source and its deletion if emptied; SMOVE removes
// first (srem, del), then creates and adds (new, sadd).
func moveEvents(args [][]byte, db int, name string, keys []changedKey, exists func(db int, key string) bool) []event {
	src, dst := string(args[1]), string(args[2])
	var srcKey, dstKey *changedKey
	for i := range keys {
		if keys[i].key == src && srcKey == nil {
			srcKey = &keys[i]
		}
		if keys[i].key == dst {
			dstKey = &keys[i]
		}
	}
	var dstEvents, srcEvents []event
	if dstKey != nil {
		if !dstKey.existed && exists(db, dst) {
			dstEvents = append(dstEvents, event{New, "new", db, dst})
		}
		push := event{List, "lpush", db, dst}
		switch {
		case name == "smove":
			push = event{Set, "sadd", db, dst}
		case (name == "lmove" || name == "blmove") && strings.EqualFold(string(args[4]), "right"):
			push.name = "rpush"
		}
		dstEvents = append(dstEvents, push)
	}
	if srcKey != nil {
		pop := event{List, "rpop", db, src}
		switch {
		case name == "smove":
			pop = event{Set, "srem", db, src}
		case (name == "lmove" || name == "blmove") && strings.EqualFold(string(args[3]), "left"):
			pop.name = "lpop"
		}
		srcEvents = append(srcEvents, pop)
		if srcKey.existed && !exists(db, src) {
			srcEvents = append(srcEvents, event{Generic, "del", db, src})
		}
	}
	if name == "smove" {
		return append(srcEvents, dstEvents...)
	}
	return append(dstEvents, srcEvents...)
}

// mpopEvent is LMPOP's and ZMPOP's (and their blocking forms'): the pop
// of the direction given after the keys, whose count is at args[numkeys].
func mpopEvent(numkeys, class int, first, other, firstWord string) func(args [][]byte, key string) []event {
	return func(args [][]byte, _ string) []event {
		n, _ := resp.ParseInt(args[numkeys])
		if dir := numkeys + int(n) + 1; dir < len(args) && strings.EqualFold(string(args[dir]), firstWord) {
			return one(class, first)
		}
		return one(class, other)
	}
}

// zaddEvent is ZADD's: zincr with INCR, else zadd.
func zaddEvent(args [][]byte, _ string) []event {
	if hasArg(args, "incr") {
		return one(ZSet, "zincr")
	}
	return one(ZSet, "zadd")
}
