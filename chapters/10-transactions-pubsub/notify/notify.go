// Package notify is Redis's keyspace notifications (notify.c): with
// notify-keyspace-events set, every change to a key is published on
// Pub/Sub, as the event on __keyspace@<db>__:<key> (K) and as the key on
// __keyevent@<db>__:<event> (E), for the classes of events chosen: g
// generic (del, expire, rename ...), $ strings, l lists, s sets, h
// hashes, z sorted sets, t streams, x expired, e evicted, n new keys, m
// key misses; A is g$lshzxetd.
//
// Redis calls notifyKeyspaceEvent inside each command. Here the events
// are worked out after the command, from what it was (the table in
// events.go), which keys it changed and whether they existed before and
// after (chapter 03's Touches): the same events, in the same order, from
// one place.
//
// Everything here runs on the loop goroutine.
package notify

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

// The classes of events, as Redis's NOTIFY_* flags.
const (
	Keyspace = 1 << iota // K
	Keyevent             // E
	Generic              // g
	String               // $
	List                 // l
	Set                  // s
	Hash                 // h
	ZSet                 // z
	Expired              // x
	Evicted              // e
	Stream               // t
	KeyMiss              // m
	Module               // d
	New                  // n

	All = Generic | String | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module // A
)

// classChars maps notify-keyspace-events' letters to classes.
var classChars = map[byte]int{
	'A': All, 'g': Generic, '$': String, 'l': List, 's': Set, 'h': Hash, 'z': ZSet,
	'x': Expired, 'e': Evicted, 'K': Keyspace, 'E': Keyevent, 't': Stream, 'm': KeyMiss,
	'd': Module, 'n': New,
}

// ParseClasses reads notify-keyspace-events' letters (Redis's
// keyspaceEventsStringToFlags).
func ParseClasses(s string) (int, error) {
	flags := 0
	for i := 0; i < len(s); i++ {
		f, ok := classChars[s[i]]
		if !ok {
			return 0, errors.New("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
		}
		flags |= f
	}
	return flags, nil
}

// FormatClasses is notify-keyspace-events as CONFIG GET shows it
// (Redis's keyspaceEventsFlagsToString, which writes A for all the
// classes it covers, and then forgets n).
func FormatClasses(flags int) string {
	var b strings.Builder
	if flags&All == All {
		b.WriteByte('A')
	} else {
		for _, c := range "g$lshzxetdn" {
			if flags&classChars[byte(c)] != 0 {
				b.WriteRune(c)
			}
		}
	}
	for _, c := range "KEm" {
		if flags&classChars[byte(c)] != 0 {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Publisher is Pub/Sub's PUBLISH, which the events go through.
type Publisher interface {
	Publish(channel, message []byte) int64
}

// Notifier publishes a server's keyspace events.
type Notifier struct {
	// Classes is notify-keyspace-events, parsed.
	Classes int

	srv     *server.Server
	ca      *cache.Cache
	pub     Publisher
	touches cache.Touches
	// called is set when a client's command has just been announced: the
	// changes propagated next are its own. A write outside any command
	// clears it: what is propagated after that is the server's.
	called bool
}

// Register makes s publish keyspace events through pub, for the keys of
// ca's databases. Nothing is published until Classes says so: CONFIG SET
// notify-keyspace-events, unless a shell with its own configuration
// registry owns that option already and sets Classes itself.
func Register(s *server.Server, ca *cache.Cache, pub Publisher) *Notifier {
	n := &Notifier{srv: s, ca: ca, pub: pub}
	s.ObserveCalls(n)
	s.Follow(n)
	ca.Observers.Add(n)
	if s.Config.Lookup("notify-keyspace-events") == nil {
		s.Config.Add(n.param())
	}
	return n
}

// param is notify-keyspace-events for CONFIG GET and SET.
func (n *Notifier) param() *server.Param {
	return &server.Param{
		Name: "notify-keyspace-events",
		Get:  func() string { return FormatClasses(n.Classes) },
		Set: func(v string) error {
			classes, err := ParseClasses(v)
			if err == nil {
				n.Classes = classes
			}
			return err
		},
	}
}

// KeyWriting notes the keys about to be written (keyspace.WriteObserver),
// by a command or by the server for one (a woken blocked client's pop).
func (n *Notifier) KeyWriting(db int, key string, e *keyspace.Entry) {
	if n.Classes == 0 || n.srv.Loading() {
		return
	}
	if !n.srv.InCommand() {
		n.called = false
	}
	n.touches.Note(db, key, e != nil)
}

// Feed sees each change as it is propagated (server.Follower). A change
// made outside a command is a blocked client's pop, served after the
// write that woke it, or the DEL of a key that expired or was evicted
// (announced as such): the pop's events come from the command it is
// propagated as, BLPOP's as LPOP's.
func (n *Notifier) Feed(db int, args [][]byte) {
	if n.Classes == 0 || n.srv.InCommand() || n.called {
		return
	}
	name := strings.ToLower(string(args[0]))
	switch name {
	case "multi", "exec":
		return
	case "del":
		n.touches.Settle(n.ca, false, nil)
		return
	}
	cmd := n.srv.Commands.Lookup(args[0])
	if cmd == nil {
		return
	}
	if len(cmd.Subcommands) > 0 && len(args) > 1 {
		if sub := cmd.Subcommands.Lookup(args[1]); sub != nil {
			cmd = sub
		}
	}
	n.publish(args, db, cmd, true)
}

// KeyExpired is the expired event, at the moment the key goes
// (keyspace.ExpireObserver): before the events of the command that found
// it expired, as in Redis.
func (n *Notifier) KeyExpired(db int, key string) { n.Notify(Expired, "expired", db, key) }

// KeyEvicted is the evicted event of a key maxmemory removed.
func (n *Notifier) KeyEvicted(db int, key string) { n.Notify(Evicted, "evicted", db, key) }

// Called publishes the events of the command that just ran
// (server.CallObserver).
func (n *Notifier) Called(c *server.Client, cmd *server.Command, changed bool) {
	if n.Classes == 0 {
		n.touches.Settle(n.ca, false, nil)
		return
	}
	n.publish(c.Args, c.DB, cmd, changed)
	if !n.srv.Nested() {
		n.called = true
	}
}

// publish announces the events of cmd, called with args in database db,
// for the keys it touched if it changed anything.
func (n *Notifier) publish(args [][]byte, db int, cmd *server.Command, changed bool) {
	var keys []changedKey
	n.touches.SettleEach(n.ca, changed, func(db int, key string, existed bool) {
		keys = append(keys, changedKey{db, key, existed})
	})
	if len(keys) == 0 && changed {
		// A change the keyspace did not see as a write (a stream's
		// consumer group): the command's own keys, as they are.
		for _, k := range cmd.KeyArgs(args) {
			key := string(args[k.Pos])
			if n.exists(db, key) {
				keys = append(keys, changedKey{db, key, true})
			}
		}
	}
	for _, ev := range eventsOf(args, db, cmd, keys, n.exists) {
		n.Notify(ev.class, ev.name, ev.db, ev.key)
	}
}

func (n *Notifier) exists(db int, key string) bool {
	return n.ca.DBs[db].Peek([]byte(key), 0) != nil
}

// Notify publishes one event of class on key in database db, if the
// class is on (Redis's notifyKeyspaceEvent).
func (n *Notifier) Notify(class int, event string, db int, key string) {
	if n.Classes&class == 0 {
		return
	}
	dbs := strconv.Itoa(db)
	if n.Classes&Keyspace != 0 {
		n.pub.Publish([]byte("__keyspace@"+dbs+"__:"+key), []byte(event))
	}
	if n.Classes&Keyevent != 0 {
		n.pub.Publish([]byte("__keyevent@"+dbs+"__:"+event), []byte(key))
	}
}
