package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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
