// Command bench measures chapter 5 against redis-server 7 for the README:
// the time to load a 1,000,000-key AOF, and a BGREWRITEAOF of it: how
// long it takes, the extra memory it needs, and the longest any client
// waited meanwhile (a probe client sends PING in a loop).
//
//	go build -o /tmp/gocache05 ./chapters/05-aof-rewrite
//	go run ./chapters/05-aof-rewrite/bench --gocache /tmp/gocache05 --keys 1000000
//
// With --bgsave it measures chapter 12's snapshot the same way: BGSAVE
// instead of BGREWRITEAOF, then SAVE, the size of dump.rdb, and the time
// to start on it (appendonly no).
//
//	go build -o /tmp/gocache12 ./chapters/12-rdb
//	go run ./chapters/05-aof-rewrite/bench --gocache /tmp/gocache12 --bgsave
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

func main() {
	gocache := flag.String("gocache", "", "the chapter's server binary")
	redis := flag.String("redis", "redis-server", "redis-server binary")
	keys := flag.Int("keys", 1000000, "keys in the AOF")
	bgsave := flag.Bool("bgsave", false, "measure BGSAVE, SAVE and loading dump.rdb instead of BGREWRITEAOF")
	flag.Parse()
	job := rewriteJob
	if *bgsave {
		job = bgsaveJob
	}
	work, err := os.MkdirTemp("", "rewritebench")
	check(err)
	defer os.RemoveAll(work)
	for _, srv := range []struct{ name, bin string }{{"gocache", *gocache}, {"redis", *redis}} {
		if srv.bin == "" {
			continue
		}
		dir := filepath.Join(work, srv.name)
		check(writeAOF(dir, *keys))
		port := freePort()
		args := []string{"--port", strconv.Itoa(port), "--appendonly", "yes", "--dir", dir}
		if srv.name == "redis" {
			args = append(args, "--save", "", "--aof-use-rdb-preamble", "no", "--logfile", filepath.Join(dir, "log"))
		} else if *bgsave {
			args = append(args, "--save", "")
		}
		start := time.Now()
		cmd := exec.Command(srv.bin, args...)
		if os.Getenv("BENCH_LOG") != "" {
			cmd.Stderr = os.Stderr
		}
		check(cmd.Start())
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		c := waitPing(addr, 120*time.Second)
		load := time.Since(start)
		rssBefore := rss(cmd.Process.Pid)
		res := background(c, addr, cmd.Process.Pid, job)
		fmt.Printf("%-8s keys=%d load=%.2fs %s=%.2fs max_ping_wait=%.2fms pings=%d rss_before=%dMB extra_peak=%dMB %s\n",
			srv.name, *keys, load.Seconds(), job.name, res.took.Seconds(), float64(res.maxWait.Microseconds())/1000, res.pings,
			rssBefore>>20, (res.peakRSS-rssBefore)>>20, res.note)
		if *bgsave {
			start = time.Now()
			c.do("SAVE")
			saved := time.Since(start)
			fi, err := os.Stat(filepath.Join(dir, "dump.rdb"))
			check(err)
			cmd.Process.Kill()
			cmd.Wait()
			// Start again on dump.rdb alone.
			check(os.RemoveAll(filepath.Join(dir, "appendonlydir")))
			args[3] = "no" // --appendonly no
			start = time.Now()
			cmd = exec.Command(srv.bin, args...)
			check(cmd.Start())
			waitPing(addr, 120*time.Second)
			fmt.Printf("%-8s save=%.2fs dump.rdb=%d bytes load_rdb=%.2fs\n", srv.name, saved.Seconds(), fi.Size(), time.Since(start).Seconds())
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
}

// freePort asks the kernel for a port nothing listens on, so the bench
// never meets a server that is already running (or the other one's port).
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type result struct {
	took, maxWait time.Duration
	pings         int
	peakRSS       int64
	note          string
}

// job is a background job and the INFO fields that follow it.
type job struct {
	name, command             string
	inProgress, scheduled     string
	status, size, copyOnWrite string
}

var (
	rewriteJob = job{"rewrite", "BGREWRITEAOF", "aof_rewrite_in_progress", "aof_rewrite_scheduled",
		"aof_last_bgrewrite_status", "aof_base_size", "aof_last_cow_size"}
	bgsaveJob = job{"bgsave", "BGSAVE", "rdb_bgsave_in_progress", "rdb_bgsave_in_progress",
		"rdb_last_bgsave_status", "rdb_saves", "rdb_last_cow_size"}
)

// background starts the job and, until INFO says it is over, pings
// from a second connection, sampling the server's resident memory.
func background(c *conn, addr string, pid int, j job) result {
	probe := dial(addr)
	var res result
	start := time.Now()
	if got := c.do(j.command); !strings.Contains(got, "started") {
		panic(got)
	}
	deadline := start.Add(5 * time.Minute)
	for i := 0; time.Now().Before(deadline); i++ {
		t := time.Now()
		probe.do("PING")
		res.maxWait = max(res.maxWait, time.Since(t))
		res.pings++
		if i%50 == 0 {
			res.peakRSS = max(res.peakRSS, rss(pid), rssChildren(pid))
			info := c.do("INFO", "persistence")
			if field(info, j.inProgress) == "0" && field(info, j.scheduled) == "0" {
				res.took = time.Since(start)
				res.note = "status=" + field(info, j.status) + " " + j.size + "=" + field(info, j.size)
				if cow := field(info, j.copyOnWrite); cow != "0" {
					res.note += " cow=" + cow
				}
				return res
			}
		}
	}
	panic(j.name + " did not finish")
}

func field(info, name string) string {
	m := regexp.MustCompile(`(?m)^` + name + `:(.*)\r$`).FindStringSubmatch(info)
	if m == nil {
		return ""
	}
	return m[1]
}

// rss is the resident set of a process in bytes.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`VmRSS:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return n << 10
}

// rssChildren adds the resident set of a forked child (Redis's rewrite)
// to its parent's: both are in memory at once.
func rssChildren(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil || len(strings.TrimSpace(string(b))) == 0 {
		return 0
	}
	total := rss(pid)
	for _, f := range strings.Fields(string(b)) {
		child, _ := strconv.Atoi(f)
		total += rss(child)
	}
	return total
}

// writeAOF writes a Redis 7 AOF directory whose base sets n keys.
func writeAOF(dir string, n int) error {
	d := filepath.Join(dir, "appendonlydir")
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(d, "appendonly.aof.1.base.aof"))
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.Write(resp.AppendCommand(nil, []byte("SELECT"), []byte("0")))
	var b []byte
	for i := 0; i < n; i++ {
		b = resp.AppendCommand(b[:0], []byte("SET"), fmt.Appendf(nil, "key:%d", i), fmt.Appendf(nil, "value-%d-xxxxxxxxxxxxxxxx", i))
		w.Write(b)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(d, "appendonly.aof.1.incr.aof"), nil, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d, "appendonly.aof.manifest"),
		[]byte("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"), 0o644)
}

type conn struct {
	c net.Conn
	r *resp.ReplyReader
}

func dial(addr string) *conn {
	c, err := net.Dial("tcp", addr)
	check(err)
	return &conn{c: c, r: resp.NewReplyReader(c)}
}

func (c *conn) do(args ...string) string {
	b := make([][]byte, len(args))
	for i, a := range args {
		b[i] = []byte(a)
	}
	_, err := c.c.Write(resp.AppendCommand(nil, b...))
	check(err)
	v, err := c.r.Read()
	check(err)
	return string(v.Str)
}

func waitPing(addr string, within time.Duration) *conn {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if nc, err := net.Dial("tcp", addr); err == nil {
			c := &conn{c: nc, r: resp.NewReplyReader(nc)}
			if c.do("PING") == "PONG" {
				return c
			}
			nc.Close()
		}
		time.Sleep(10 * time.Millisecond)
	}
	panic("server did not answer PING")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
