// Command hitrate compares how well gocache and redis-server keep the keys
// that matter under the same maxmemory: it runs one seeded, Zipf-skewed
// cache-aside workload (GET; on a miss, SET) against each and prints both
// hit rates.
//
//	go run ./chapters/11-eviction/hitrate [-maxmemory 20mb] [-policy allkeys-lru] [-keys 200000] [-gets 1000000]
//
// Both servers run as their own processes on 127.0.0.1, so each one's
// memory figure is its own. gocache here is the chapter 03 cache with
// package evict: the string commands are all the workload needs.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/11-eviction/evict"
)

type options struct {
	maxmemory, policy string
	keys, gets, value int
	zipf              float64
	seed              uint64
	pipeline          int
}

func main() {
	var o options
	serve := flag.Bool("serve", false, "run the gocache server (used by the comparison itself)")
	flag.StringVar(&o.maxmemory, "maxmemory", "20mb", "maxmemory for both servers")
	flag.StringVar(&o.policy, "policy", "allkeys-lru", "maxmemory-policy for both servers")
	flag.IntVar(&o.keys, "keys", 200000, "distinct keys")
	flag.IntVar(&o.gets, "gets", 1000000, "GETs to send; the first fifth warm the cache and are not counted")
	flag.IntVar(&o.value, "value", 1024, "value size in bytes")
	flag.Float64Var(&o.zipf, "zipf", 1.01, "Zipf exponent s (> 1): key k is requested with probability ~ 1/(k+1)^s")
	flag.Uint64Var(&o.seed, "seed", 1, "workload seed")
	flag.IntVar(&o.pipeline, "pipeline", 8, "GETs sent at a time")
	flag.Parse()
	if *serve {
		if err := runServer(o); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if err := compare(o); err != nil {
		fmt.Fprintln(os.Stderr, "hitrate:", err)
		os.Exit(1)
	}
}

// runServer is the gocache side: a server on a free port that prints its
// address and serves until killed.
func runServer(o options) error {
	log := logrus.New()
	log.SetOutput(io.Discard)
	s, err := server.New(server.Options{Listen: []string{"127.0.0.1:0"}, Log: log})
	if err != nil {
		return err
	}
	params := evict.NewParams(s)
	if err := params.Set("maxmemory", o.maxmemory); err != nil {
		return err
	}
	if err := params.Set("maxmemory-policy", o.policy); err != nil {
		return err
	}
	evict.New(s, cache.Register(s), params)
	fmt.Println(s.Addrs()[0])
	return s.Run()
}

// result is what one run measured.
type result struct {
	hits, gets, ooms  int
	keys, evicted     int64
	usedMemory, rssKB int64
	elapsed           time.Duration
}

func compare(o options) error {
	redisBin, err := exec.LookPath("redis-server")
	if err != nil {
		return fmt.Errorf("redis-server not installed (apt-get install redis-server): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hitrate")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	redis := exec.Command(redisBin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--maxmemory", o.maxmemory, "--maxmemory-policy", o.policy, "--logfile", dir+"/redis.log")
	if err := redis.Start(); err != nil {
		return err
	}
	defer func() { redis.Process.Kill(); redis.Wait() }()
	redisAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))

	self, err := os.Executable()
	if err != nil {
		return err
	}
	goc := exec.Command(self, "-serve", "-maxmemory", o.maxmemory, "-policy", o.policy)
	out, err := goc.StdoutPipe()
	if err != nil {
		return err
	}
	goc.Stderr = os.Stderr
	if err := goc.Start(); err != nil {
		return err
	}
	defer func() { goc.Process.Kill(); goc.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("gocache did not start: %w", err)
	}
	gocAddr := strings.TrimSpace(line)

	fmt.Printf("workload: %d keys, Zipf s=%.2f, %d-byte values, %d GETs (first %d warm up), SET on miss, maxmemory %s, %s, seed %d\n",
		o.keys, o.zipf, o.value, o.gets, o.gets/5, o.maxmemory, o.policy, o.seed)
	fmt.Printf("%-14s %9s %10s %10s %12s %10s %8s\n", "server", "hit rate", "keys kept", "evicted", "used_memory", "RSS", "time")
	for _, srv := range []struct {
		name, addr string
		pid        int
	}{{"redis-server", redisAddr, redis.Process.Pid}, {"gocache", gocAddr, goc.Process.Pid}} {
		r, err := run(o, srv.addr, srv.pid)
		if err != nil {
			return fmt.Errorf("%s: %w", srv.name, err)
		}
		fmt.Printf("%-14s %8.2f%% %10d %10d %11.1fM %9.1fM %7.1fs\n", srv.name, 100*float64(r.hits)/float64(r.gets),
			r.keys, r.evicted, float64(r.usedMemory)/(1<<20), float64(r.rssKB)/1024, r.elapsed.Seconds())
		if r.ooms > 0 {
			fmt.Printf("%-14s %d SETs refused with -OOM\n", "", r.ooms)
		}
	}
	return nil
}

// run drives the workload against one server: batches of GETs, then a
// SET for each miss, all pipelined. The key sequence depends only on the
// seed, so both servers see the same requests.
func run(o options, addr string, pid int) (result, error) {
	conn, err := dial(addr)
	if err != nil {
		return result{}, err
	}
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 1<<16)
	zipf := rand.NewZipf(rand.New(rand.NewPCG(o.seed, 0x9e3779b97f4a7c15)), o.zipf, 1, uint64(o.keys-1))
	value := bytes.Repeat([]byte("v"), o.value)
	var r result
	var buf []byte
	keys := make([]uint64, o.pipeline)
	missed := make([]uint64, 0, o.pipeline)
	warm := o.gets / 5
	start := time.Now()
	for sent := 0; sent < o.gets; sent += o.pipeline {
		buf = buf[:0]
		for i := range keys {
			keys[i] = zipf.Uint64()
			buf = fmt.Appendf(buf, "*2\r\n$3\r\nGET\r\n$12\r\nkey:%08d\r\n", keys[i])
		}
		if _, err := conn.Write(buf); err != nil {
			return r, err
		}
		missed = missed[:0]
		for i := range keys {
			hit, err := readGet(br)
			if err != nil {
				return r, err
			}
			if sent+i >= warm {
				r.gets++
				if hit {
					r.hits++
				}
			}
			if !hit {
				missed = append(missed, keys[i])
			}
		}
		buf = buf[:0]
		for _, k := range missed {
			buf = fmt.Appendf(buf, "*3\r\n$3\r\nSET\r\n$12\r\nkey:%08d\r\n$%d\r\n", k, len(value))
			buf = append(append(buf, value...), "\r\n"...)
		}
		if _, err := conn.Write(buf); err != nil {
			return r, err
		}
		for range missed {
			line, err := br.ReadSlice('\n')
			if err != nil {
				return r, err
			}
			if bytes.HasPrefix(line, []byte("-OOM")) {
				r.ooms++
			} else if string(line) != "+OK\r\n" {
				return r, fmt.Errorf("SET: %q", line)
			}
		}
	}
	r.elapsed = time.Since(start)
	info, err := command(conn, br, "INFO", "all")
	if err != nil {
		return r, err
	}
	r.usedMemory = infoField(info, "used_memory")
	r.evicted = infoField(info, "evicted_keys")
	size, err := command(conn, br, "DBSIZE")
	if err != nil {
		return r, err
	}
	r.keys, _ = strconv.ParseInt(strings.TrimSpace(size), 10, 64)
	r.rssKB = rssKB(pid)
	return r, nil
}

// readGet reads a GET reply: a bulk string (hit) or a nil (miss).
func readGet(br *bufio.Reader) (bool, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return false, err
	}
	if len(line) < 4 || line[0] != '$' {
		return false, fmt.Errorf("GET: %q", line)
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-2]))
	if err != nil || n < 0 {
		return false, err
	}
	_, err = br.Discard(n + 2)
	return true, err
}

// command sends one command and returns its reply as text: a bulk
// string's contents, or an integer's digits.
func command(conn net.Conn, br *bufio.Reader, args ...string) (string, error) {
	b := resp.AppendArrayHeader(nil, len(args))
	for _, a := range args {
		b = resp.AppendBulk(b, a)
	}
	if _, err := conn.Write(b); err != nil {
		return "", err
	}
	line, err := br.ReadString('\n')
	if err != nil {
		return "", err
	}
	switch line[0] {
	case ':':
		return line[1:], nil
	case '$':
		n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		body := make([]byte, n+2)
		_, err := io.ReadFull(br, body)
		return string(body[:n]), err
	}
	return "", fmt.Errorf("%s: %q", args[0], line)
}

func infoField(info, name string) int64 {
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return -1
}

// rssKB is a process's resident set from /proc (0 where there is none).
func rssKB(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// dial connects, retrying for up to 10 s while the server starts.
func dial(addr string) (net.Conn, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return conn, nil
		}
		if time.Now().After(deadline) {
			return nil, err
		}
		time.Sleep(50 * time.Millisecond) // retry interval
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
