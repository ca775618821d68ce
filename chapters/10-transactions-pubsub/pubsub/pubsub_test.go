package pubsub_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/pubsub"
)

// start runs a gocache server with the cache and pub/sub commands.
func start(t *testing.T, setup func(s *server.Server)) (*server.Server, *pubsub.PubSub) {
	var ps *pubsub.PubSub
	s := servertest.Start(t, func(s *server.Server) {
		if setup != nil {
			setup(s)
		}
		cache.Register(s)
		ps = pubsub.Register(s)
	})
	return s, ps
}

// pairs connects n differential pairs to gocache and to a real Redis.
func pairs(t *testing.T, n int) []*servertest.Pair {
	s, _ := start(t, nil)
	redisAddr := servertest.StartRedis(t)
	out := make([]*servertest.Pair, n)
	for i := range out {
		out[i] = servertest.DialPair(t, servertest.Addr(s), redisAddr)
	}
	return out
}

// hello3 switches both sides of a pair to RESP3 (the replies differ in
// the client id, so they are read, not compared).
func hello3(p *servertest.Pair) {
	p.Go.Do("HELLO", "3")
	p.Redis.Do("HELLO", "3")
}

// same reads the next reply on both sides of a pair (a pushed message)
// and compares the bytes.
func same(t *testing.T, p *servertest.Pair, what string) {
	t.Helper()
	if got, want := p.Go.ReadRaw(), p.Redis.ReadRaw(); got != want {
		t.Errorf("%s:\n gocache: %q\n   redis: %q", what, got, want)
	}
}

// sameSet sends a command that answers n confirmations in an order Redis
// leaves to its hash table (UNSUBSCRIBE without arguments). The channels
// are compared as a set, the counts (which fall by one each time) in
// order.
func sameSet(t *testing.T, p *servertest.Pair, n int, args ...string) {
	t.Helper()
	p.Go.Send(string(servertest.Command(args...)))
	p.Redis.Send(string(servertest.Command(args...)))
	split := func(c *servertest.Conn) (names, counts []string) {
		for i := 0; i < n; i++ {
			r := c.ReadRaw()
			at := strings.LastIndex(r, ":")
			names, counts = append(names, r[:at]), append(counts, r[at:])
		}
		sort.Strings(names)
		return names, counts
	}
	gotNames, gotCounts := split(p.Go)
	wantNames, wantCounts := split(p.Redis)
	if strings.Join(gotNames, "|") != strings.Join(wantNames, "|") || strings.Join(gotCounts, "") != strings.Join(wantCounts, "") {
		t.Errorf("%q:\n gocache: %q %q\n   redis: %q %q", args, gotNames, gotCounts, wantNames, wantCounts)
	}
}

// TestSubscribedModeRESP2 walks a RESP2 subscriber through Redis 7.0's
// subscribed mode: confirmations with counts, the commands it may and may
// not run, PING's array reply, and leaving the mode.
func TestSubscribedModeRESP2(t *testing.T) {
	ps := pairs(t, 2)
	sub, pub := ps[0], ps[1]
	sub.Same("SUBSCRIBE")
	sub.SameRaw(string(servertest.Command("SUBSCRIBE", "news", "weather", "news")), 3)
	sub.Same("PSUBSCRIBE", "n*")
	sub.Same("PING")
	sub.Same("PING", "hello")
	sub.Same("PING", "a", "b")
	sub.Same("GET", "x")
	sub.Same("CONFIG", "GET", "maxmemory")
	sub.Same("NOSUCH")
	sub.Same("ECHO")

	pub.Same("PUBLISH", "news", "hello world")
	same(t, sub, "message")
	same(t, sub, "pmessage")
	pub.Same("PUBLISH", "nothing", "x")
	same(t, sub, "pmessage on a channel nobody subscribed to")
	pub.Same("PUBLISH", "weather", "")
	same(t, sub, "empty message")
	pub.Same("PUBLISH", "sport", "x")
	pub.Same("PUBLISH", "news")

	pub.Same("PUBSUB", "NUMSUB", "news", "weather", "sport")
	pub.Same("PUBSUB", "NUMSUB")
	pub.Same("PUBSUB", "NUMPAT")
	pub.Same("PUBSUB", "CHANNELS", "w*")
	pub.Same("PUBSUB", "CHANNELS", "nomatch")
	pub.Same("PUBSUB", "HELP")
	pub.Same("PUBSUB", "NOSUCH")
	pub.Same("PUBSUB", "NUMPAT", "x")
	pub.Same("PUBSUB", "CHANNELS", "a", "b")
	pub.Same("PUBSUB", "HELP", "x")
	pub.Same("PUBLISH", "a", "b", "c")
	pub.Same("PUBSUB")

	sub.Same("UNSUBSCRIBE", "news", "nosuch")
	sub.Same("PUNSUBSCRIBE")
	sub.Same("PUNSUBSCRIBE")
	sub.Same("GET", "x") // still subscribed to weather
	sub.Same("UNSUBSCRIBE")
	sub.Same("UNSUBSCRIBE")
	sub.Same("PING")
	sub.Same("GET", "x")
	pub.Same("PUBSUB", "NUMSUB", "weather")
	pub.Same("PUBSUB", "CHANNELS")
}

// TestPushRESP3 checks that a RESP3 subscriber gets push messages and may
// run any command while subscribed.
func TestPushRESP3(t *testing.T) {
	ps := pairs(t, 2)
	sub, pub := ps[0], ps[1]
	hello3(sub)
	sub.SameRaw(string(servertest.Command("SUBSCRIBE", "a", "b")), 2)
	sub.Same("PSUBSCRIBE", "[ab]")
	sub.Same("SET", "k", "v")
	sub.Same("GET", "k")
	sub.Same("PING")
	sub.Same("PUBSUB", "NUMSUB", "a")
	pub.Same("PUBLISH", "a", "one")
	same(t, sub, "push message")
	same(t, sub, "push pmessage")
	// A subscriber publishing to itself gets the message before the reply.
	sub.Same("PUBLISH", "b", "self")
	same(t, sub, "reply after the pushed message")
	same(t, sub, "reply after the pushed pmessage")
	sameSet(t, sub, 2, "UNSUBSCRIBE")
	sub.Same("PUNSUBSCRIBE", "[ab]", "other")
	sub.Same("UNSUBSCRIBE")
}

// TestOutputLimitConfig checks client-output-buffer-limit's format and
// errors against Redis.
func TestOutputLimitConfig(t *testing.T) {
	p := pairs(t, 1)[0]
	for _, cmd := range [][]string{
		{"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 256kb 30"},
		{"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "normal 1k 2KB 3 replica 4m 5Gb 6"},
		{"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 256kb"},
		{"CONFIG", "SET", "client-output-buffer-limit", "master 1mb 256kb 1"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub x 256kb 1"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2 -1"},
		{"CONFIG", "GET", "client-output-buffer-limit"},
	} {
		p.Same(cmd...)
	}
}

// TestGoRedis uses go-redis's Pub/Sub API (RESP3 by default).
func TestGoRedis(t *testing.T) {
	s, _ := start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rdb := redis.NewClient(&redis.Options{Addr: servertest.Addr(s)})
	defer rdb.Close()

	sub := rdb.Subscribe(ctx, "orders")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // the subscribe confirmation
		t.Fatal(err)
	}
	if err := sub.PSubscribe(ctx, "order*"); err != nil {
		t.Fatal(err)
	}
	// Publish until the pattern subscription is in place too (PSubscribe
	// does not wait for its confirmation).
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := rdb.Publish(ctx, "orders", "first").Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PUBLISH reached %d subscriptions, want 2", n)
		}
	}
	var sawPattern bool
	for !sawPattern {
		msg, err := sub.ReceiveMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if msg.Channel != "orders" || msg.Payload != "first" {
			t.Fatalf("message %+v", msg)
		}
		sawPattern = msg.Pattern == "order*"
	}
	if n, err := rdb.PubSubNumSub(ctx, "orders").Result(); err != nil || n["orders"] != 1 {
		t.Fatalf("NUMSUB = %v, %v", n, err)
	}
	if n, err := rdb.PubSubNumPat(ctx).Result(); err != nil || n != 1 {
		t.Fatalf("NUMPAT = %v, %v", n, err)
	}
	if chans, err := rdb.PubSubChannels(ctx, "ord*").Result(); err != nil || len(chans) != 1 || chans[0] != "orders" {
		t.Fatalf("CHANNELS = %v, %v", chans, err)
	}
	ch := sub.Channel()
	if err := rdb.Publish(ctx, "orders.eu", "second").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-ch:
		if msg.Pattern != "order*" || msg.Channel != "orders.eu" || msg.Payload != "second" {
			t.Fatalf("message %+v", msg)
		}
	case <-ctx.Done():
		t.Fatal("no message on the channel")
	}
}

// numsub asks PUBSUB NUMSUB for one channel.
func numsub(t *testing.T, c *servertest.Conn, ch string) string {
	t.Helper()
	return c.Do("PUBSUB", "NUMSUB", ch)
}

// TestSlowSubscriberHardLimit: a subscriber that never reads is
// disconnected once its unsent output reaches the hard limit, while the
// publisher goes on, and the server does not buffer more than the limit.
func TestSlowSubscriberHardLimit(t *testing.T) {
	s, _ := start(t, nil)
	addr := servertest.Addr(s)
	pub := servertest.Dial(t, addr)
	if got := pub.Do("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 0 0"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET: %q", got)
	}
	sub := servertest.Dial(t, addr)
	sub.Do("SUBSCRIBE", "firehose")

	payload := strings.Repeat("x", 64<<10)
	// Socket buffers take a few MB before output stays in the server; a
	// subscriber still connected after 64 MB means nothing cut it.
	const most = 64 << 20
	sent := 0
	for numsub(t, pub, "firehose") != "*2\r\n$8\r\nfirehose\r\n:0\r\n" {
		if sent > most {
			t.Fatalf("subscriber still connected after %d MB published", sent>>20)
		}
		for i := 0; i < 16; i++ {
			if got := pub.Do("PUBLISH", "firehose", payload); got != ":1\r\n" && got != ":0\r\n" {
				t.Fatalf("PUBLISH: %q", got)
			}
			sent += len(payload)
		}
	}
	// What the subscriber can still read is what the kernel buffered plus
	// at most the limit: the server did not keep more.
	rest := sub.ReadEOF()
	if len(rest) >= sent {
		t.Fatalf("subscriber got all %d bytes: nothing was cut", sent)
	}
	t.Logf("cut after %d MB published; the subscriber could still read %d KB", sent>>20, len(rest)>>10)
	if got := pub.Do("PUBLISH", "firehose", "after"); got != ":0\r\n" {
		t.Fatalf("PUBLISH after the cut: %q", got)
	}
}

// TestSlowSubscriberSoftLimit: above the soft limit a subscriber is kept
// until it has stayed there for the configured seconds.
func TestSlowSubscriberSoftLimit(t *testing.T) {
	clock := servertest.NewClock(1_700_000_000_000)
	s, _ := start(t, func(s *server.Server) { s.Now = clock.Now })
	addr := servertest.Addr(s)
	pub := servertest.Dial(t, addr)
	pub.Do("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 256kb 60")
	sub := servertest.Dial(t, addr)
	sub.Do("SUBSCRIBE", "slow")
	payload := strings.Repeat("y", 64<<10)
	// 32 MB unread is well above the soft limit whatever the kernel
	// buffers; with the clock stopped the subscriber stays.
	for i := 0; i < 512; i++ {
		if got := pub.Do("PUBLISH", "slow", payload); got != ":1\r\n" {
			t.Fatalf("PUBLISH %d before the soft limit's time: %q", i, got)
		}
	}
	clock.Advance(59 * time.Second)
	if got := pub.Do("PUBLISH", "slow", payload); got != ":1\r\n" {
		t.Fatalf("PUBLISH after 59 s: %q", got)
	}
	clock.Advance(2 * time.Second)
	if got := pub.Do("PUBLISH", "slow", payload); got != ":1\r\n" {
		t.Fatalf("PUBLISH after 61 s: %q (delivered, then the client is cut)", got)
	}
	if got := numsub(t, pub, "slow"); got != "*2\r\n$4\r\nslow\r\n:0\r\n" {
		t.Fatalf("subscriber still there after 61 s above the soft limit: %q", got)
	}
	sub.ReadEOF()
}
