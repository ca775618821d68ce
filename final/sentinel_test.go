package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// gocache monitored by real Redis Sentinels. The sentinels find each
// other through the hello messages they publish on gocache's
// __sentinel__:hello channel, read its INFO (run_id, role, replicas),
// and on failover reconfigure gocache's replicas with a MULTI of
// REPLICAOF, CONFIG REWRITE and CLIENT KILL.

// sentinelMaster is the name the sentinels know the primary by.
const sentinelMaster = "mymaster"

// sentinel is one redis-sentinel process.
type sentinel struct {
	*engine
	addr string
	dir  string
}

// sentinelConfig is a sentinel.conf watching the primary at addr: quorum
// 2, and timeouts small enough for a test (down after 1 s, a failover
// retried after 5 s).
func sentinelConfig(port int, dir, primary string) string {
	host, pport, _ := net.SplitHostPort(primary)
	return fmt.Sprintf(`port %d
bind 127.0.0.1
dir %s
sentinel resolve-hostnames no
sentinel monitor %s %s %s 2
sentinel down-after-milliseconds %s 1000
sentinel failover-timeout %s 5000
sentinel parallel-syncs %s 1
`, port, dir, sentinelMaster, host, pport, sentinelMaster, sentinelMaster, sentinelMaster)
}

// startSentinels starts n sentinels watching primary, each with its own
// configuration file (a sentinel rewrites it as it learns) in a
// temporary directory.
func startSentinels(t *testing.T, n int, primary string) []*sentinel {
	bin := enginePath(t, "redis-sentinel", "redis-sentinel")
	var all []*sentinel
	for range n {
		addr := freeAddr(t)
		_, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		dir := t.TempDir()
		conf := filepath.Join(dir, "sentinel.conf")
		if err := os.WriteFile(conf, []byte(sentinelConfig(p, dir, primary)), 0o644); err != nil {
			t.Fatal(err)
		}
		s := &sentinel{engine: startEngine(t, dir, bin, conf), addr: addr, dir: dir}
		s.waitListening(t, addr, 10*time.Second)
		all = append(all, s)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, s := range all {
				t.Logf("sentinel %s:\n%s", s.addr, s.log)
			}
		}
	})
	return all
}

// client is go-redis's sentinel client to s.
func (s *sentinel) client(t *testing.T) *redis.SentinelClient {
	c := redis.NewSentinelClient(&redis.Options{Addr: s.addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1, ReadTimeout: 5 * time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// The sentinels discover each other through gocache alone (hello
// messages on its Pub/Sub), agree it is a primary, and name its address.
func TestSentinelsDiscoverEachOtherThroughGocache(t *testing.T) {
	p := startProc(t, "--save", "")
	sentinels := startSentinels(t, 3, p.Addr)
	ctx := ctxFor(t, time.Minute)
	gc := redis.NewClient(&redis.Options{Addr: p.Addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1})
	defer gc.Close()
	for _, s := range sentinels {
		sc := s.client(t)
		var others []map[string]string
		eventually(t, 20*time.Second, func() bool {
			others, _ = sc.Sentinels(ctx, sentinelMaster).Result()
			connected := 0
			for _, o := range others {
				if o["flags"] == "sentinel" && o["ip"] == "127.0.0.1" {
					connected++ // "sentinel,disconnected" until it has dialed the other
				}
			}
			return connected == 2
		}, func() string { return fmt.Sprintf("sentinel %s knows the sentinels %v", s.addr, others) })
		addr, err := sc.GetMasterAddrByName(ctx, sentinelMaster).Result()
		if err != nil || net.JoinHostPort(addr[0], addr[1]) != p.Addr {
			t.Errorf("SENTINEL get-master-addr-by-name: %v %v, want %s", addr, err, p.Addr)
		}
		m, err := sc.Master(ctx, sentinelMaster).Result()
		if err != nil {
			t.Fatal(err)
		}
		if m["flags"] != "master" {
			t.Errorf("SENTINEL master flags = %q, want master; %v", m["flags"], m)
		}
		// Sentinel knows instances by the run_id in INFO server.
		info, err := gc.Info(ctx, "server").Result()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(info, "run_id:"+m["runid"]+"\r\n") || len(m["runid"]) != 40 {
			t.Errorf("sentinel's runid %q is not gocache's INFO run_id:\n%s", m["runid"], info)
		}
	}
	// Each sentinel has two named connections, commands and hello
	// messages, and got no error from gocache.
	list, err := gc.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if cmd, sub := strings.Count(list, "-cmd "), strings.Count(list, "-pubsub "); cmd != 3 || sub != 3 || strings.Count(list, " name=sentinel-") != 6 {
		t.Errorf("CLIENT LIST has %d sentinel-...-cmd and %d sentinel-...-pubsub connections, want 3 each:\n%s", cmd, sub, list)
	}
	if errs, _ := gc.Info(ctx, "errorstats").Result(); strings.Contains(errs, "errorstat_") {
		t.Errorf("gocache answered a sentinel with an error:\n%s", errs)
	}
}

// replicationMissing says what gocache at addr lacks for a failover
// (REPLICAOF, WAIT, INFO's role and replicas), "" when it has it all.
func replicationMissing(t *testing.T, addr string) string {
	c := servertest.Dial(t, addr)
	var missing []string
	if got := c.Do("REPLICAOF", "NO", "ONE"); got != "+OK\r\n" {
		missing = append(missing, "REPLICAOF ("+strings.TrimSpace(got)+")")
	}
	if got := c.Do("WAIT", "0", "0"); got != ":0\r\n" {
		missing = append(missing, "WAIT ("+strings.TrimSpace(got)+")")
	}
	if got := c.Do("ROLE"); !strings.Contains(got, "master") {
		missing = append(missing, "ROLE ("+strings.TrimSpace(got)+")")
	}
	return strings.Join(missing, ", ")
}

// infoField is one "name:value" of an INFO reply, "" when absent.
func infoField(info, name string) string {
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return v
		}
	}
	return ""
}

// gocacheNode is a gocache process of the failover test, restartable on
// its port with its own configuration file (which Sentinel's CONFIG
// REWRITE changes).
type gocacheNode struct {
	e          *engine
	addr, conf string
	dir        string
}

func startNode(t *testing.T, addr, dir string, extra ...string) *gocacheNode {
	n := &gocacheNode{addr: addr, dir: dir, conf: filepath.Join(dir, "gocache.conf")}
	if _, err := os.Stat(n.conf); err != nil {
		_, port, _ := net.SplitHostPort(addr)
		if err := os.WriteFile(n.conf, []byte("# a node of the failover test\nport "+port+"\nbind 127.0.0.1\nsave \"\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n.e = startEngine(t, dir, binary(t), append([]string{n.conf, "--dir", dir}, extra...)...)
	n.e.waitListening(t, addr, 20*time.Second)
	servertest.WaitPing(t, addr, 20*time.Second)
	return n
}

// info is the node's INFO replication, "" while it does not answer.
func (n *gocacheNode) info(t *testing.T) string {
	c := redis.NewClient(&redis.Options{Addr: n.addr, Protocol: 2, DisableIdentity: true, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
	defer c.Close()
	info, _ := c.Info(context.Background(), "replication").Result()
	return info
}

// The failover: one gocache primary and two replicas under three
// sentinels; the primary is killed with kill -9; the sentinels promote a
// replica, point the other at it, and turn the old primary, restarted,
// into a replica. A go-redis failover client writes all along, each
// write confirmed by WAIT 1; every confirmed write is on the new primary.
func TestSentinelFailoverKeepsConfirmedWrites(t *testing.T) {
	enginePath(t, "redis-sentinel", "redis-sentinel")
	probe := startProc(t, "--save", "")
	if missing := replicationMissing(t, probe.Addr); missing != "" {
		t.Skipf("the failover test needs replication, and gocache lacks: %s", missing)
	}
	probe.Kill()

	addrs := []string{freeAddr(t), freeAddr(t), freeAddr(t)}
	var nodes []*gocacheNode
	for i, addr := range addrs {
		nodes = append(nodes, startNode(t, addr, t.TempDir()))
		if i > 0 {
			host, port, _ := net.SplitHostPort(addrs[0])
			if got := servertest.Dial(t, addr).Do("REPLICAOF", host, port); got != "+OK\r\n" {
				t.Fatalf("REPLICAOF %s: %q", addrs[0], got)
			}
		}
	}
	eventually(t, 20*time.Second, func() bool {
		return infoField(nodes[0].info(t), "connected_slaves") == "2" &&
			infoField(nodes[1].info(t), "master_link_status") == "up" &&
			infoField(nodes[2].info(t), "master_link_status") == "up"
	}, func() string { return "the replicas did not connect: " + nodes[0].info(t) })

	sentinels := startSentinels(t, 3, addrs[0])
	ctx := ctxFor(t, 2*time.Minute)
	for _, s := range sentinels {
		sc := s.client(t)
		eventually(t, 20*time.Second, func() bool {
			r, _ := sc.Replicas(ctx, sentinelMaster).Result()
			o, _ := sc.Sentinels(ctx, sentinelMaster).Result()
			return len(r) == 2 && len(o) == 2
		}, func() string {
			r, err := sc.Replicas(ctx, sentinelMaster).Result()
			return fmt.Sprintf("sentinel %s knows the replicas %v (%v)", s.addr, r, err)
		})
	}

	// The writer: SET, then WAIT 1 for one replica's acknowledgement.
	var sentinelAddrs []string
	for _, s := range sentinels {
		sentinelAddrs = append(sentinelAddrs, s.addr)
	}
	fc := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: sentinelMaster, SentinelAddrs: sentinelAddrs,
		Protocol: 2, DisableIdentity: true, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	defer fc.Close()
	var (
		mu        sync.Mutex
		confirmed = map[string]string{}
		after     int // confirmed after the switch
		switched  atomic.Bool
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond) // a steady stream, not a flood
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			k, v := "w:"+strconv.Itoa(i), strconv.Itoa(i)
			if fc.Set(ctx, k, v, 0).Err() != nil {
				time.Sleep(50 * time.Millisecond) // the primary is gone: try again soon, bounded by stop
				continue
			}
			if n, err := fc.Do(ctx, "WAIT", 1, 1000).Int(); err == nil && n >= 1 {
				mu.Lock()
				confirmed[k] = v
				if switched.Load() {
					after++
				}
				mu.Unlock()
			}
		}
	}()
	count := func() (int, int) { mu.Lock(); defer mu.Unlock(); return len(confirmed), after }
	eventually(t, 20*time.Second, func() bool { n, _ := count(); return n >= 20 },
		func() string {
			n, _ := count()
			return fmt.Sprintf("%d writes confirmed by WAIT before the failover", n)
		})

	nodes[0].e.kill() // kill -9
	sc := sentinels[0].client(t)
	// current is the primary the sentinels name now and the replica that
	// must follow it. With timeouts this small, a loaded machine may see
	// the promoted replica slow to answer and fail over once more, so
	// every check asks again.
	current := func() (primary, follower *gocacheNode) {
		addr, err := sc.GetMasterAddrByName(ctx, sentinelMaster).Result()
		if err != nil {
			return nil, nil
		}
		switch net.JoinHostPort(addr[0], addr[1]) {
		case addrs[1]:
			return nodes[1], nodes[2]
		case addrs[2]:
			return nodes[2], nodes[1]
		}
		return nil, nil
	}
	follows := func(n, primary *gocacheNode) bool {
		_, port, _ := net.SplitHostPort(primary.addr)
		info := n.info(t)
		return infoField(info, "role") == "slave" && infoField(info, "master_port") == port && infoField(info, "master_link_status") == "up"
	}
	eventually(t, 30*time.Second, func() bool {
		p, f := current()
		if p != nil {
			switched.Store(true)
		}
		return p != nil && infoField(p.info(t), "role") == "master" && follows(f, p)
	}, func() string {
		return fmt.Sprintf("no replica promoted and followed:\n%s\n%s", nodes[1].info(t), nodes[2].info(t))
	})

	// The old primary comes back and is told to follow the new one.
	old := startNode(t, addrs[0], nodes[0].dir)
	eventually(t, 40*time.Second, func() bool {
		p, _ := current()
		return p != nil && follows(old, p)
	}, func() string { return "the old primary:\n" + old.info(t) })

	// Writes went on through the failover client, confirmed by the
	// replicas of the new primary.
	eventually(t, 20*time.Second, func() bool { _, a := count(); return a >= 10 },
		func() string { _, a := count(); return fmt.Sprintf("%d writes confirmed after the failover", a) })
	close(stop)
	<-done
	p, _ := current()
	if p == nil {
		t.Fatal("the sentinels name no primary at the end")
	}
	primary := p.addr
	pc := redis.NewClient(&redis.Options{Addr: primary, Protocol: 2, DisableIdentity: true, MaxRetries: -1})
	defer pc.Close()
	mu.Lock()
	defer mu.Unlock()
	lost := 0
	for k, v := range confirmed {
		if got, err := pc.Get(ctx, k).Result(); got != v {
			lost++
			if lost <= 5 {
				t.Errorf("confirmed write %s=%s is %q (%v) on the new primary", k, v, got, err)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d confirmed writes lost", lost, len(confirmed))
	}
	t.Logf("%d writes confirmed by WAIT, %d of them after the failover; the new primary is %s", len(confirmed), after, primary)
}
