package main

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// What Sentinel sends a server it reconfigures, after REPLICAOF:
// CLIENT KILL TYPE normal and TYPE pubsub (so clients reconnect and
// find the new primary), in a MULTI with CONFIG REWRITE. The counts,
// the errors and the transaction's reply, byte for byte with
// redis-server.
func TestClientKillByTypeLikeRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	g := startProc(t)
	addrs := map[string]string{"gocache": g.Addr, "redis": redisAddr}

	// victims opens, on each server, two plain clients, a RESP2 and a
	// RESP3 subscriber, and a MONITOR (which Redis counts as normal).
	victims := func() {
		for _, addr := range addrs {
			servertest.Dial(t, addr).Do("PING")
			servertest.Dial(t, addr).Do("PING")
			servertest.Dial(t, addr).Do("SUBSCRIBE", "a")
			r3 := servertest.Dial(t, addr)
			r3.Do("HELLO", "3")
			r3.Do("SUBSCRIBE", "b")
			servertest.Dial(t, addr).Do("MONITOR")
		}
	}
	p := servertest.DialPair(t, g.Addr, redisAddr)
	victims()
	p.Same("CLIENT", "KILL", "TYPE", "master")
	p.Same("CLIENT", "KILL", "TYPE", "replica")
	p.Same("CLIENT", "KILL", "TYPE", "slave")
	p.Same("CLIENT", "KILL", "TYPE", "pubsub")
	p.Same("CLIENT", "KILL", "TYPE", "normal")
	p.Same("CLIENT", "KILL", "TYPE", "normal")
	p.Same("CLIENT", "KILL", "TYPE", "bogus")
	p.Same("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "maybe")
	p.Same("CLIENT", "KILL", "TYPE")
	p.Same("PING")

	// Sentinel's transaction, without the REPLICAOF; CONFIG REWRITE
	// fails inside it (no configuration file) and the kills still run.
	victims()
	for _, cmd := range [][]string{
		{"MULTI"},
		{"CONFIG", "REWRITE"},
		{"CLIENT", "KILL", "TYPE", "normal"},
		{"CLIENT", "KILL", "TYPE", "pubsub"},
		{"EXEC"},
	} {
		p.Same(cmd...)
	}
	p.Same("PING")

	// SKIPME no: the connection that asked is killed too, after its reply.
	p.Same("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no")
	if rest := p.Go.ReadEOF(); rest != "" {
		t.Errorf("after SKIPME no, gocache sent %q and kept the connection", rest)
	}
}
