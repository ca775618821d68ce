package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// Client-side caching (chapter 10's tracking) is checked as a conversation
// between several connections: each line is one connection's command,
// and what every connection receives because of it (the reply, then the
// invalidation messages pushed to it) is written down. gocache must write
// down the same as redis-server, with client ids replaced by the
// connections' names.

// session is the connections of one conversation, by name ("A", "B" ...).
type session struct {
	t     *testing.T
	addr  string
	conns map[string]*servertest.Conn
	ids   map[string]string // name -> client id
	multi map[string]bool   // connections inside MULTI, which would queue a PING
	names []string          // in order of first use
	log   strings.Builder
}

func newSession(t *testing.T, addr string) *session {
	return &session{t: t, addr: addr, conns: map[string]*servertest.Conn{}, ids: map[string]string{}, multi: map[string]bool{}}
}

func (s *session) conn(name string) *servertest.Conn {
	if c := s.conns[name]; c != nil {
		return c
	}
	c := servertest.Dial(s.t, s.addr)
	id := c.Do("CLIENT", "ID")
	s.ids[name] = strings.TrimSuffix(strings.TrimPrefix(id, ":"), "\r\n")
	s.conns[name] = c
	s.names = append(s.names, name)
	return c
}

// idRef is "$A" in a command: connection A's client id.
var idRef = regexp.MustCompile(`^\$([A-Z])$`)

// run sends one line ("A: GET k") and logs what each connection got.
func (s *session) run(line string) {
	name, cmd, _ := strings.Cut(line, ":")
	c := s.conn(name)
	args := strings.Fields(cmd)
	for i, a := range args {
		if m := idRef.FindStringSubmatch(a); m != nil {
			s.conn(m[1])
			args[i] = s.ids[m[1]]
		}
	}
	reply := c.Do(args...)
	if strings.EqualFold(strings.Join(args, " "), "client getredir") {
		reply = s.unID(reply)
	}
	fmt.Fprintf(&s.log, "%s: %s\n  %s< %q\n", name, cmd, name, s.unIDs(reply))
	switch strings.ToLower(args[0]) {
	case "quit":
		delete(s.conns, name)
		return
	case "multi":
		s.multi[name] = true
	case "exec", "discard":
		s.multi[name] = false
	}
	for _, n := range s.names {
		if other := s.conns[n]; other != nil && !s.multi[n] {
			if pushed := s.sync(other); pushed != "" {
				fmt.Fprintf(&s.log, "  %s< %q\n", n, s.unIDs(pushed))
			}
		}
	}
}

// sync returns what c received before the reply to a PING sent now: the
// messages pushed to it so far. A PING's reply comes after everything the
// server wrote to c earlier, and a broadcast is sent before the loop
// sleeps, so before the PING is read.
func (s *session) sync(c *servertest.Conn) string {
	c.Send(string(servertest.Command("PING")))
	var pushed strings.Builder
	for {
		v := c.ReadRaw()
		switch v {
		case "+PONG\r\n", "*2\r\n$4\r\npong\r\n$0\r\n\r\n":
			return pushed.String()
		}
		pushed.WriteString(v)
	}
}

// unID replaces a reply that is a client id by the connection's name.
func (s *session) unID(reply string) string {
	for name, id := range s.ids {
		if reply == ":"+id+"\r\n" {
			return ":<" + name + ">\r\n"
		}
	}
	return reply
}

// idField is a client id where replies and messages carry one.
var idField = regexp.MustCompile(`(redirect\r\n|tracking-redir-broken\r\n|\$2\r\nid\r\n)(:\d+\r\n)`)

// unIDs replaces the client ids inside a reply by the names.
func (s *session) unIDs(reply string) string {
	return idField.ReplaceAllStringFunc(reply, func(m string) string {
		sub := idField.FindStringSubmatch(m)
		return sub[1] + s.unID(sub[2])
	})
}

// trackingConversation runs lines against gocache and redis-server and
// wants the same log.
func trackingConversation(t *testing.T, lines string, args ...string) {
	t.Helper()
	var logs []string
	for _, tg := range targets(t, args...) {
		s := newSession(t, tg.addr)
		for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
			s.run(strings.TrimSpace(l))
		}
		logs = append(logs, s.log.String())
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
	if len(logs) == 1 && !strings.Contains(logs[0], "invalidate") {
		t.Errorf("no invalidation at all:\n%s", logs[0])
	}
}

// TestTrackingDefaultModeRESP3: reads are remembered, each changed key is
// invalidated once, after the reply to the command that changed it (also
// for EXEC), in every database, and a flush sends a null.
func TestTrackingDefaultModeRESP3(t *testing.T) {
	trackingConversation(t, `
		A: HELLO 3
		A: CLIENT TRACKING ON
		A: GET k
		A: SET k v
		A: SET k w
		A: GET k
		B: SET k x
		A: MGET k a b
		A: MULTI
		A: SET a 1
		A: GET a
		A: EXEC
		A: SET a 2
		A: SELECT 1
		A: SET b 1
		B: FLUSHDB
		A: GET k
		A: FLUSHALL
		A: CLIENT TRACKINGINFO
		A: CLIENT GETREDIR
		A: RESET
		A: CLIENT TRACKINGINFO`)
}

// TestTrackingRedirectRESP2: a RESP2 client's invalidations go to the
// subscriber it redirects to, as messages on __redis__:invalidate;
// OPTIN and OPTOUT decide which reads count; a redirect that went away
// is reported.
func TestTrackingRedirectRESP2(t *testing.T) {
	trackingConversation(t, `
		B: SUBSCRIBE __redis__:invalidate
		A: CLIENT TRACKING ON REDIRECT $B
		A: GET k
		A: SET k 1
		A: GET k
		C: SET k 2
		A: FLUSHALL
		A: CLIENT TRACKING OFF
		A: CLIENT TRACKING ON OPTIN REDIRECT $B
		A: GET o1
		A: CLIENT CACHING yes
		A: GET o2
		A: MGET o1 o2
		C: MSET o1 1 o2 2
		A: CLIENT CACHING yes
		A: MULTI
		A: GET o3
		A: GET o4
		A: EXEC
		C: MSET o3 1 o4 2
		A: CLIENT TRACKING OFF
		A: CLIENT TRACKING ON OPTOUT REDIRECT $B
		A: CLIENT CACHING no
		A: GET p1
		A: GET p2
		C: MSET p1 1 p2 2
		A: CLIENT TRACKINGINFO
		B: QUIT
		A: GET z
		C: SET z 1
		A: CLIENT TRACKINGINFO
		D: HELLO 3
		D: CLIENT TRACKING ON REDIRECT $E
		E: QUIT
		D: GET y
		D: SET y 1
		D: CLIENT TRACKINGINFO`)
}

// TestTrackingBroadcast: BCAST clients hear of every change under their
// prefixes, batched per loop turn in key order, and NOLOOP spares a
// client its own changes.
func TestTrackingBroadcast(t *testing.T) {
	trackingConversation(t, `
		A: HELLO 3
		C: HELLO 3
		A: CLIENT TRACKING ON BCAST PREFIX a PREFIX b
		C: CLIENT TRACKING ON BCAST NOLOOP
		A: MSET a1 1 b1 2 c1 3 a2 4
		A: SET a1 x
		C: SET a3 y
		A: DEL a1 a2 nosuch
		A: EXPIRE b1 100
		A: SET b1 x NX
		A: CLIENT TRACKING ON BCAST PREFIX c
		B: SET c9 1
		A: CLIENT TRACKINGINFO
		C: CLIENT TRACKINGINFO
		A: CLIENT TRACKING OFF
		B: SET a5 1`)
}

// TestTrackingErrors: CLIENT TRACKING's and CACHING's refusals, in
// Redis's order of checks and with its texts.
func TestTrackingErrors(t *testing.T) {
	trackingConversation(t, `
		A: CLIENT TRACKING
		A: CLIENT TRACKING maybe
		A: CLIENT TRACKING ON PREFIX a
		A: CLIENT TRACKING ON OPTIN OPTOUT
		A: CLIENT TRACKING ON BCAST OPTIN
		A: CLIENT TRACKING ON REDIRECT 999999
		A: CLIENT TRACKING ON REDIRECT abc
		A: CLIENT TRACKING ON REDIRECT $B REDIRECT $B
		A: CLIENT TRACKING ON FOO
		A: CLIENT TRACKING ON REDIRECT
		A: CLIENT TRACKING ON BCAST PREFIX a PREFIX ab
		A: CLIENT TRACKING ON BCAST PREFIX ab PREFIX a
		A: CLIENT CACHING yes
		A: CLIENT TRACKING ON BCAST PREFIX b
		A: CLIENT TRACKING ON BCAST PREFIX bc
		A: CLIENT TRACKING ON
		A: CLIENT TRACKING ON OPTIN
		A: CLIENT TRACKING ON BCAST PREFIX c
		A: CLIENT TRACKING ON BCAST
		A: CLIENT TRACKINGINFO
		A: CLIENT TRACKING OFF
		A: CLIENT TRACKING ON OPTOUT NOLOOP
		A: CLIENT TRACKING ON OPTIN
		A: CLIENT CACHING
		A: CLIENT CACHING maybe
		A: CLIENT CACHING yes
		A: CLIENT CACHING no
		A: CLIENT TRACKINGINFO
		A: CLIENT GETREDIR x
		A: CLIENT TRACKINGINFO x`)
}

// TestTrackingTableLimit: past tracking-table-max-keys, keys leave the
// table and their readers are told, without a broadcast. Which keys go is
// random, in Redis as here, so the test counts.
func TestTrackingTableLimit(t *testing.T) {
	for _, tg := range targets(t) {
		a, b := servertest.Dial(t, tg.addr), servertest.Dial(t, tg.addr)
		a.Do("HELLO", "3")
		b.Do("HELLO", "3")
		a.Do("CLIENT", "TRACKING", "ON")
		b.Do("CLIENT", "TRACKING", "ON", "BCAST")
		a.Do("CONFIG", "SET", "tracking-table-max-keys", "2")
		reply := a.Do("MGET", "x1", "x2", "x3", "x4", "x5")
		s := &session{t: t}
		pushedA := s.sync(a)
		if n := strings.Count(pushedA, "invalidate"); n != 3 {
			t.Errorf("%s: %d invalidations after reading 5 keys with a limit of 2, want 3 (reply %q, pushed %q)", tg.name, n, reply, pushedA)
		}
		if got := s.sync(b); got != "" {
			t.Errorf("%s: the broadcast client heard of evicted keys: %q", tg.name, got)
		}
		info := a.Do("INFO", "stats")
		if !strings.Contains(info, "tracking_total_keys:2\r\n") || !strings.Contains(info, "tracking_total_prefixes:1\r\n") {
			t.Errorf("%s: INFO stats after the eviction: %q", tg.name, info)
		}
		clients := a.Do("INFO", "clients")
		if !strings.Contains(clients, "tracking_clients:2\r\n") {
			t.Errorf("%s: INFO clients: %q", tg.name, clients)
		}
		a.Do("CONFIG", "SET", "tracking-table-max-keys", "1000000")
	}
}

// TestTrackingClientList: CLIENT LIST's flags and redir= for tracking
// clients.
func TestTrackingClientList(t *testing.T) {
	for _, tg := range targets(t) {
		a, b := servertest.Dial(t, tg.addr), servertest.Dial(t, tg.addr)
		bid := strings.TrimSuffix(strings.TrimPrefix(b.Do("CLIENT", "ID"), ":"), "\r\n")
		fields := func() string {
			line := a.Do("CLIENT", "INFO")
			return regexp.MustCompile(`flags=\S+|redir=\S+`).FindAllString(line, -1)[0] + " " +
				regexp.MustCompile(`redir=\S+`).FindString(line)
		}
		want := []struct{ cmd, fields string }{
			{"CLIENT TRACKING ON REDIRECT " + bid, "flags=t redir=" + bid},
			{"CLIENT TRACKING OFF", "flags=N redir=-1"},
			{"CLIENT TRACKING ON BCAST", "flags=tB redir=0"},
		}
		for _, w := range want {
			a.Do(strings.Fields(w.cmd)...)
			if got := fields(); got != w.fields {
				t.Errorf("%s: after %s: %s, want %s", tg.name, w.cmd, got, w.fields)
			}
		}
	}
}

// TestRueidisClientSideCaching: rueidis connects with its default
// options (RESP3 and CLIENT TRACKING ON OPTIN), serves a cached read
// from its own memory, and drops it when another client changes the key.
func TestRueidisClientSideCaching(t *testing.T) {
	for _, tg := range targets(t) {
		client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{tg.addr}})
		if err != nil {
			t.Fatalf("%s: rueidis cannot connect: %v", tg.name, err)
		}
		defer client.Close()
		ctx := context.Background()
		if err := client.Do(ctx, client.B().Set().Key("csc").Value("1").Build()).Error(); err != nil {
			t.Fatalf("%s: SET: %v", tg.name, err)
		}
		get := func() (string, bool) {
			r := client.DoCache(ctx, client.B().Get().Key("csc").Cache(), time.Minute)
			v, err := r.ToString()
			if err != nil {
				t.Fatalf("%s: cached GET: %v", tg.name, err)
			}
			return v, r.IsCacheHit()
		}
		if v, hit := get(); v != "1" || hit {
			t.Fatalf("%s: first GET = %q (cache hit %v), want 1 from the server", tg.name, v, hit)
		}
		if v, hit := get(); v != "1" || !hit {
			t.Fatalf("%s: second GET = %q (cache hit %v), want 1 from the cache", tg.name, v, hit)
		}
		other := servertest.Dial(t, tg.addr)
		other.Do("SET", "csc", "2")
		deadline := time.Now().Add(5 * time.Second)
		for {
			v, hit := get()
			if v == "2" && !hit {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: GET still %q (cache hit %v) 5s after another client's SET: no invalidation", tg.name, v, hit)
			}
		}
	}
}
