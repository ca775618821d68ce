package admin

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// addInfo registers INFO's sections in Redis 7.0's format. Server, Clients
// and Stats replace the chapter 02 versions with Redis's full field lists;
// Keyspace, which Redis always shows, is the data layer's (chapter 03's
// cache); admin adds an empty one only if there is none yet, and the data
// layer's replaces it, so either may be composed first.
func (a *Admin) addInfo() {
	s := a.srv
	runID := make([]byte, 20)
	rand.Read(runID)
	a.runID = hex.EncodeToString(runID)
	rand.Read(runID)
	a.replID = hex.EncodeToString(runID)
	s.AddInfo("Server", true, a.infoServer)
	s.AddInfo("Clients", true, a.infoClients)
	s.AddInfo("Memory", true, a.infoMemory)
	s.AddInfo("Stats", true, a.infoStats)
	s.AddInfo("Replication", true, a.infoReplication)
	s.AddInfo("CPU", true, infoCPU)
	s.AddInfo("Errorstats", true, a.infoErrors)
	if len(s.Info("keyspace")) == 0 {
		s.AddInfo("Keyspace", true, func(*bytes.Buffer) {})
	}
}

func (a *Admin) infoServer(b *bytes.Buffer) {
	now := a.srv.Now()
	up := int64(now.Sub(a.started).Seconds())
	exe, _ := os.Executable()
	osName := osName()
	hz := a.cfg.Get("hz")
	kv(b, "redis_version", server.Version)
	kv(b, "redis_git_sha1", "00000000")
	kv(b, "redis_git_dirty", "0")
	kv(b, "redis_build_id", "0")
	kv(b, "redis_mode", "standalone")
	kv(b, "gocache_version", Version)
	kv(b, "os", osName)
	kv(b, "arch_bits", "64")
	kv(b, "monotonic_clock", "POSIX clock_gettime")
	kv(b, "multiplexing_api", "epoll")
	kv(b, "atomicvar_api", "go-sync-atomic")
	kv(b, "go_version", runtime.Version())
	kv(b, "process_id", strconv.Itoa(os.Getpid()))
	kv(b, "process_supervised", "no")
	kv(b, "run_id", a.runID)
	kv(b, "tcp_port", a.port())
	kv(b, "server_time_usec", strconv.FormatInt(now.UnixMicro(), 10))
	kv(b, "uptime_in_seconds", strconv.FormatInt(up, 10))
	kv(b, "uptime_in_days", strconv.FormatInt(up/86400, 10))
	kv(b, "hz", hz)
	kv(b, "configured_hz", hz)
	kv(b, "lru_clock", strconv.FormatInt(now.Unix()&(1<<24-1), 10))
	kv(b, "executable", exe)
	kv(b, "config_file", a.cfg.File)
	kv(b, "io_threads_active", "0")
}

// port is the first listening address's port.
func (a *Admin) port() string {
	if addrs := a.srv.Addrs(); len(addrs) > 0 {
		if i := strings.LastIndexByte(addrs[0], ':'); i >= 0 {
			return addrs[0][i+1:]
		}
	}
	return a.cfg.Get("port")
}

func (a *Admin) infoClients(b *bytes.Buffer) {
	var maxIn, maxOut, blocked int
	for _, c := range a.srv.Clients() {
		maxIn = max(maxIn, len(c.Conn.Input()))
		maxOut = max(maxOut, c.Conn.Pending())
		if c.Blocked() {
			blocked++
		}
	}
	kv(b, "connected_clients", strconv.Itoa(a.srv.ClientCount()))
	kv(b, "cluster_connections", "0")
	kv(b, "maxclients", strconv.Itoa(a.maxClients))
	kv(b, "client_recent_max_input_buffer", strconv.Itoa(maxIn))
	kv(b, "client_recent_max_output_buffer", strconv.Itoa(maxOut))
	kv(b, "blocked_clients", strconv.Itoa(blocked))
	kv(b, "tracking_clients", strconv.Itoa(a.trackingStats()[0]))
	inTimeout := 0
	if w := a.srv.KeyWaiters(); w != nil {
		inTimeout = w.WithTimeout()
	}
	kv(b, "clients_in_timeout_table", strconv.Itoa(inTimeout))
}

// memSamples are the runtime/metrics gocache reports as used_memory: the
// bytes of live and not yet swept heap objects, the closest thing Go has to
// the allocator's "allocated" figure Redis reports.
var memSamples = []metrics.Sample{
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/total:bytes"},
}

// rss reads the resident set size from /proc/self/statm, as Redis's
// zmalloc_get_rss does; 0 where there is no /proc.
func rss() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

func (a *Admin) infoMemory(b *bytes.Buffer) {
	s := append([]metrics.Sample(nil), memSamples...)
	metrics.Read(s)
	used, total := s[0].Value.Uint64(), s[1].Value.Uint64()
	if m := a.srv.Memory(); m != nil {
		used = m.UsedMemory()
	}
	a.peakMem = max(a.peakMem, used)
	res := rss()
	maxmem := uint64(a.cfg.Int("maxmemory"))
	frag := 0.0
	if used > 0 {
		frag = float64(res) / float64(used)
	}
	kv(b, "used_memory", strconv.FormatUint(used, 10))
	kv(b, "used_memory_human", Human(used))
	kv(b, "used_memory_rss", strconv.FormatUint(res, 10))
	kv(b, "used_memory_rss_human", Human(res))
	kv(b, "used_memory_peak", strconv.FormatUint(a.peakMem, 10))
	kv(b, "used_memory_peak_human", Human(a.peakMem))
	kv(b, "used_memory_peak_perc", fmt.Sprintf("%.2f%%", 100*float64(used)/float64(max(a.peakMem, 1))))
	kv(b, "allocator_allocated", strconv.FormatUint(used, 10))
	kv(b, "allocator_resident", strconv.FormatUint(total, 10))
	kv(b, "total_system_memory", strconv.FormatUint(systemMemory(), 10))
	kv(b, "total_system_memory_human", Human(systemMemory()))
	kv(b, "maxmemory", strconv.FormatUint(maxmem, 10))
	kv(b, "maxmemory_human", Human(maxmem))
	kv(b, "maxmemory_policy", a.cfg.Get("maxmemory-policy"))
	kv(b, "mem_fragmentation_ratio", fmt.Sprintf("%.2f", frag))
	kv(b, "mem_fragmentation_bytes", strconv.FormatInt(int64(res)-int64(used), 10))
	kv(b, "mem_not_counted_for_evict", "0")
	kv(b, "mem_allocator", "go-"+runtime.Version())
	kv(b, "lazyfree_pending_objects", "0")
}

// Human formats bytes as Redis's bytesToHuman does: 999B, 1.50K, 2.00M ...
func Human(n uint64) string {
	const k = 1024.0
	f := float64(n)
	switch {
	case n < 1024:
		return strconv.FormatUint(n, 10) + "B"
	case f < k*k:
		return fmt.Sprintf("%.2fK", f/k)
	case f < k*k*k:
		return fmt.Sprintf("%.2fM", f/(k*k))
	case f < k*k*k*k:
		return fmt.Sprintf("%.2fG", f/(k*k*k))
	case f < k*k*k*k*k:
		return fmt.Sprintf("%.2fT", f/(k*k*k*k))
	}
	return fmt.Sprintf("%.2fP", f/(k*k*k*k*k))
}

// statSample is the counters at the last clientsCron, for the
// instantaneous_* rates.
type statSample struct {
	at                 time.Time
	ops, in, out       int64
	opsRate, inK, outK float64
}

// sampleStats updates the instantaneous rates once a second.
func (a *Admin) sampleStats(now time.Time) {
	st := &a.srv.Stats
	p := &a.lastStats
	if !p.at.IsZero() {
		secs := now.Sub(p.at).Seconds()
		if secs > 0 {
			p.opsRate = float64(st.Commands-p.ops) / secs
			p.inK = float64(st.NetInputBytes-p.in) / secs / 1024
			p.outK = float64(st.NetOutputBytes-p.out) / secs / 1024
		}
	}
	p.at, p.ops, p.in, p.out = now, st.Commands, st.NetInputBytes, st.NetOutputBytes
}

func (a *Admin) infoStats(b *bytes.Buffer) {
	st := &a.srv.Stats
	p := &a.lastStats
	i := func(k string, n int64) { kv(b, k, strconv.FormatInt(n, 10)) }
	i("total_connections_received", st.Connections)
	i("total_commands_processed", st.Commands)
	i("instantaneous_ops_per_sec", int64(p.opsRate))
	i("total_net_input_bytes", st.NetInputBytes)
	i("total_net_output_bytes", st.NetOutputBytes)
	i("total_net_repl_input_bytes", 0)
	i("total_net_repl_output_bytes", 0)
	kv(b, "instantaneous_input_kbps", fmt.Sprintf("%.2f", p.inK))
	kv(b, "instantaneous_output_kbps", fmt.Sprintf("%.2f", p.outK))
	kv(b, "instantaneous_input_repl_kbps", "0.00")
	kv(b, "instantaneous_output_repl_kbps", "0.00")
	i("rejected_connections", st.RejectedConns)
	i("sync_full", 0)
	i("sync_partial_ok", 0)
	i("sync_partial_err", 0)
	i("expired_keys", st.ExpiredKeys)
	i("evicted_keys", st.EvictedKeys)
	i("evicted_clients", 0)
	i("keyspace_hits", st.KeyspaceHits)
	i("keyspace_misses", st.KeyspaceMisses)
	var channels, patterns, shards int
	if ps, ok := a.srv.Subscriptions().(pubsubCounts); ok {
		channels, patterns, shards = ps.Channels(), ps.Patterns(), ps.ShardChannels()
	}
	i("pubsub_channels", int64(channels))
	i("pubsub_patterns", int64(patterns))
	i("pubsubshard_channels", int64(shards))
	i("latest_fork_usec", 0)
	i("total_forks", 0)
	tr := a.trackingStats()
	i("tracking_total_keys", int64(tr[1]))
	i("tracking_total_items", int64(tr[2]))
	i("tracking_total_prefixes", int64(tr[3]))
	i("unexpected_error_replies", 0)
	i("total_error_replies", st.ErrorReplies)
}

// trackingStats are client-side caching's clients, keys, items and
// prefixes, zeros without it.
func (a *Admin) trackingStats() [4]int {
	if a.tracking == nil {
		return [4]int{}
	}
	c, k, i, p := a.tracking.Stats()
	return [4]int{c, k, i, p}
}

func (a *Admin) infoReplication(b *bytes.Buffer) {
	kv(b, "role", "master")
	kv(b, "connected_slaves", "0")
	kv(b, "master_failover_state", "no-failover")
	kv(b, "master_replid", a.replID)
	kv(b, "master_replid2", strings.Repeat("0", 40))
	kv(b, "master_repl_offset", "0")
	kv(b, "second_repl_offset", "-1")
	kv(b, "repl_backlog_active", "0")
	kv(b, "repl_backlog_size", "1048576")
	kv(b, "repl_backlog_first_byte_offset", "0")
	kv(b, "repl_backlog_histlen", "0")
}

// maxErrorCodes bounds errorstats as Redis does (ERROR_STATS_MAX_...):
// error codes come from replies, and replies may quote user input.
const maxErrorCodes = 128

// countError counts an error reply under its code, the first word
// ("ERR", "WRONGTYPE", "NOAUTH").
func (a *Admin) countError(out []byte) {
	line := out[1:]
	if out[0] == '!' { // RESP3 blob error: !<len>\r\n<text>
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[i+1:]
		}
	}
	end := bytes.IndexAny(line, " \r\n")
	if end < 0 {
		end = len(line)
	}
	code := string(line[:end])
	if _, ok := a.errs[code]; !ok && len(a.errs) >= maxErrorCodes {
		return
	}
	a.errs[code]++
}

func (a *Admin) infoErrors(b *bytes.Buffer) {
	codes := make([]string, 0, len(a.errs))
	for code := range a.errs {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", code, a.errs[code])
	}
}

// kv writes one "key:value" INFO line.
func kv(b *bytes.Buffer, k, v string) {
	b.WriteString(k)
	b.WriteByte(':')
	b.WriteString(v)
	b.WriteString("\r\n")
}
