// Command connmem measures what an idle connection costs a server: it
// starts an echo server in a child process, opens many connections that
// send nothing, and reports the growth of the child's resident memory
// (VmRSS), Go heap and goroutine stacks, divided by the number of
// connections. It compares the reactor with a goroutine-per-connection
// server built on net.Listener.
//
//	go run ./chapters/01-reactor/cmd/connmem -conns 10000
//
// Kernel memory (socket buffers, epoll entries) is not in any of these
// numbers: it is the same for both servers.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/procmem"
	"github.com/gocache/gocache/chapters/01-reactor/reactor"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "serve" {
		serve(os.Args[2])
		return
	}
	conns := flag.Int("conns", 10000, "idle connections to open")
	readBuf := flag.Int("read-buf", 4096, "read buffer of each goroutine in the goroutine-per-connection server")
	flag.Parse()
	raiseFileLimit(*conns + 100)

	fmt.Printf("%-32s %7s %11s %11s %12s\n", "server", "conns", "RSS/conn", "heap/conn", "stacks/conn")
	for _, mode := range []string{"reactor", "goroutine"} {
		r, err := measure(mode, *conns, *readBuf)
		if err != nil {
			log.Fatalf("%s: %v", mode, err)
		}
		name := "reactor (epoll)"
		if mode == "goroutine" {
			name = fmt.Sprintf("goroutine per conn (%d B buf)", *readBuf)
		}
		fmt.Printf("%-32s %7d %9d B %9d B %10d B\n", name, *conns, r.rss, r.heap, r.stack)
	}
}

// perConn is the growth of the server's memory per connection, in bytes.
type perConn struct{ rss, heap, stack int64 }

// stats is what the child reports: open connections and memory.
type stats struct{ conns, heap, stack int64 }

// measure runs one server in a child process, opens n connections to it
// and reports the memory growth per connection.
func measure(mode string, n, readBuf int) (perConn, error) {
	exe, err := os.Executable()
	if err != nil {
		return perConn{}, err
	}
	cmd := exec.Command(exe, "serve", mode)
	cmd.Env = append(os.Environ(), "CONNMEM_READ_BUF="+strconv.Itoa(readBuf), "CONNMEM_CONNS="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	toChild, _ := cmd.StdinPipe()
	fromChild, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return perConn{}, err
	}
	defer cmd.Wait()
	defer toChild.Close() // the child exits when its stdin closes
	rd := bufio.NewReader(fromChild)
	addr, err := rd.ReadString('\n')
	if err != nil {
		return perConn{}, fmt.Errorf("child did not start: %w", err)
	}
	addr = strings.TrimSpace(addr)
	ask := func(q string) (stats, error) {
		fmt.Fprintln(toChild, q)
		line, err := rd.ReadString('\n')
		if err != nil {
			return stats{}, err
		}
		var s stats
		_, err = fmt.Sscan(line, &s.conns, &s.heap, &s.stack)
		return s, err
	}

	before, err := ask("gc")
	if err != nil {
		return perConn{}, err
	}
	rss0, err := procmem.RSS(cmd.Process.Pid)
	if err != nil {
		return perConn{}, err
	}
	clients, err := procmem.DialIdle(addr, n, 60*time.Second)
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	if err != nil {
		return perConn{}, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		s, err := ask("count")
		if err != nil {
			return perConn{}, err
		}
		if s.conns == int64(n) {
			break
		}
		if time.Now().After(deadline) {
			return perConn{}, fmt.Errorf("server holds %d connections, want %d", s.conns, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	after, err := ask("gc")
	if err != nil {
		return perConn{}, err
	}
	rss1, err := procmem.RSS(cmd.Process.Pid)
	if err != nil {
		return perConn{}, err
	}
	return perConn{
		rss:   (rss1 - rss0) / int64(n),
		heap:  (after.heap - before.heap) / int64(n),
		stack: (after.stack - before.stack) / int64(n),
	}, nil
}

// raiseFileLimit lifts the soft RLIMIT_NOFILE (like `ulimit -n`) to the
// hard limit and stops if that is below n: each connection is one
// descriptor.
func raiseFileLimit(n int) {
	limit, err := procmem.RaiseFileLimit()
	if err != nil {
		log.Fatal(err)
	}
	if limit < uint64(n) {
		log.Fatalf("need %d file descriptors, the hard limit is %d: raise it (ulimit -Hn) or use fewer -conns", n, limit)
	}
}

// serve is the child: an echo server that prints its address, then
// answers "count" and "gc" lines on stdin with "conns heap stacks".
func serve(mode string) {
	conns, _ := strconv.Atoi(os.Getenv("CONNMEM_CONNS"))
	raiseFileLimit(conns + 100)
	var count func() int64
	var addr string
	switch mode {
	case "reactor":
		h := &echo{}
		l, err := reactor.New(reactor.Config{Listen: []string{"127.0.0.1:0"}}, h)
		if err != nil {
			log.Fatal(err)
		}
		go l.Run()
		addr, count = l.Addrs()[0], func() int64 { return int64(l.Conns()) }
	case "goroutine":
		size, _ := strconv.Atoi(os.Getenv("CONNMEM_READ_BUF"))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		var n atomic.Int64
		go acceptLoop(ln, &n, max(size, 1))
		addr, count = ln.Addr().String(), n.Load
	default:
		log.Fatalf("unknown server %q", mode)
	}
	fmt.Println(addr)
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		if sc.Text() == "gc" {
			debug.FreeOSMemory() // GC, and give freed pages back so RSS means live memory
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Println(count(), ms.HeapAlloc, ms.StackInuse)
	}
}

// echo is the reactor side: the same handler as the chapter's server.
type echo struct{}

func (echo) Open(*reactor.Conn)   {}
func (echo) Closed(*reactor.Conn) {}
func (echo) Readable(ready []*reactor.Conn) {
	for _, c := range ready {
		if c.Fill() == nil {
			in := c.Input()
			c.Write(in)
			c.Consume(len(in))
		}
	}
}

// acceptLoop is the goroutine-per-connection server, as the net package
// invites you to write it: each connection gets a goroutine and a buffer
// that it holds while blocked in Read.
func acceptLoop(ln net.Listener, n *atomic.Int64, size int) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		n.Add(1)
		go func() {
			defer n.Add(-1)
			defer c.Close()
			buf := make([]byte, size)
			for {
				k, err := c.Read(buf)
				if err != nil {
					return
				}
				if _, err := c.Write(buf[:k]); err != nil && err != io.EOF {
					return
				}
			}
		}()
	}
}
