package reactor_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/01-reactor/reactor"
)

// echoHandler echoes input back. With lines set it echoes only complete
// lines, leaving a partial line in the input buffer the way a protocol
// parser leaves a partial command.
type echoHandler struct {
	loop  *reactor.Loop
	lines bool
	// onLine, if set, sees each line first; returning false stops
	// processing this connection's input for now (the line stays).
	onLine func(c *reactor.Conn, line []byte) bool

	opened, closed atomic.Int64
	maxPending     atomic.Int64 // largest Pending() seen right after a Write
}

func (h *echoHandler) Open(c *reactor.Conn) { h.opened.Add(1) }

func (h *echoHandler) Readable(ready []*reactor.Conn) { h.loop.Each(ready, h.serve) }

func (h *echoHandler) Closed(c *reactor.Conn) { h.closed.Add(1) }

func (h *echoHandler) serve(c *reactor.Conn) {
	if c.Fill() != nil {
		return
	}
	h.process(c)
}

func (h *echoHandler) process(c *reactor.Conn) {
	if !h.lines {
		in := c.Input()
		c.Write(in)
		c.Consume(len(in))
	} else {
		for {
			in := c.Input()
			i := bytes.IndexByte(in, '\n')
			if i < 0 {
				break
			}
			if h.onLine != nil && !h.onLine(c, in[:i+1]) {
				break
			}
			c.Write(in[:i+1])
			c.Consume(i + 1)
		}
	}
	for p := int64(c.Pending()); ; {
		old := h.maxPending.Load()
		if p <= old || h.maxPending.CompareAndSwap(old, p) {
			break
		}
	}
}

// start runs a loop on its own goroutine and stops and cleans it up when
// the test ends.
func start(t *testing.T, cfg reactor.Config, h *echoHandler) (*reactor.Loop, string) {
	t.Helper()
	if cfg.Listen == nil {
		cfg.Listen = []string{"127.0.0.1:0"}
	}
	l, err := reactor.New(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	h.loop = l
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	t.Cleanup(func() {
		l.Stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after Stop")
		}
		l.CloseAll()
	})
	return l, l.Addrs()[0]
}

// onLoop runs fn on the loop goroutine and waits for it.
func onLoop(t *testing.T, l *reactor.Loop, fn func()) {
	t.Helper()
	done := make(chan struct{})
	l.Post(func() { fn(); close(done) })
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("posted function did not run")
	}
}

// waitFor polls cond until it holds or ten seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func dial(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return c.(*net.TCPConn)
}

func roundTrip(c net.Conn, msg string) error {
	if _, err := io.WriteString(c, msg); err != nil {
		return err
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		return err
	}
	if string(got) != msg {
		return fmt.Errorf("echo: got %q, want %q", got, msg)
	}
	return nil
}

func TestEchoConcurrentClients(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ioThreads int
	}{
		{"loop goroutine only", 1},
		{"io threads 4", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &echoHandler{lines: true}
			l, addr := start(t, reactor.Config{IOThreads: tc.ioThreads}, h)
			const clients, messages = 200, 10
			errs := make(chan error, clients)
			var wg sync.WaitGroup
			for i := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c, err := net.Dial("tcp", addr)
					if err != nil {
						errs <- err
						return
					}
					defer c.Close()
					c.SetDeadline(time.Now().Add(20 * time.Second))
					for k := range messages {
						msg := fmt.Sprintf("client %d message %d %s\n", i, k, strings.Repeat("x", (i*37+k*101)%3000))
						if err := roundTrip(c, msg); err != nil {
							errs <- fmt.Errorf("client %d: %w", i, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			waitFor(t, "all connections closed", func() bool { return l.Conns() == 0 })
			if got := h.opened.Load(); got != clients {
				t.Errorf("Open called %d times, want %d", got, clients)
			}
			if got := h.closed.Load(); got != clients {
				t.Errorf("Closed called %d times, want %d", got, clients)
			}
		})
	}
}

// A message that arrives one byte at a time stays in the input buffer
// until complete, and meanwhile the loop keeps serving other clients.
func TestPartialInputDoesNotBlockLoop(t *testing.T) {
	h := &echoHandler{lines: true}
	_, addr := start(t, reactor.Config{}, h)
	slow, fast := dial(t, addr), dial(t, addr)
	defer slow.Close()
	defer fast.Close()
	slow.SetNoDelay(true)
	msg := "hello, one byte at a time\n"
	for i := 0; i < len(msg)-1; i++ {
		if _, err := slow.Write([]byte{msg[i]}); err != nil {
			t.Fatal(err)
		}
		if err := roundTrip(fast, fmt.Sprintf("fast %d\n", i)); err != nil {
			t.Fatalf("other client while %d bytes are pending: %v", i+1, err)
		}
	}
	if _, err := slow.Write([]byte{msg[len(msg)-1]}); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(slow, got); err != nil {
		t.Fatal(err)
	}
	if string(got) != msg {
		t.Fatalf("got %q, want %q", got, msg)
	}
}

// A client that sends 8 MiB and reads slowly: the server stops reading it
// when its unsent output passes HighWater, so output stays bounded by
// HighWater plus one read, and every byte still arrives in order.
func TestSlowReaderIsBoundedByHighWater(t *testing.T) {
	const highWater = 256 << 10
	const total = 8 << 20
	h := &echoHandler{}
	_, addr := start(t, reactor.Config{HighWater: highWater}, h)
	c := dial(t, addr)
	defer c.Close()
	c.SetReadBuffer(64 << 10)

	data := make([]byte, total)
	for i := range data {
		data[i] = byte(i * 7 % 251)
	}
	writeErr := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		writeErr <- err
	}()
	// Read nothing until the server has buffered more than HighWater.
	waitFor(t, "server output above HighWater", func() bool { return h.maxPending.Load() > highWater })

	got := make([]byte, 0, total)
	buf := make([]byte, 32<<10)
	for len(got) < total {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
		got = append(got, buf[:n]...)
		time.Sleep(200 * time.Microsecond) // pace the reader: this is the slow client
	}
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("echoed data differs from what was sent")
	}
	if max := h.maxPending.Load(); max > highWater+reactor.ReadSize {
		t.Fatalf("a connection buffered %d bytes of output, want <= HighWater+ReadSize = %d", max, highWater+reactor.ReadSize)
	}
}

// A client that goes away while the server still has output for it is
// closed cleanly, and the server keeps serving others.
func TestClientDisconnectsMidWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reset bool // SO_LINGER 0: the close sends RST instead of FIN
	}{
		{"close", false},
		{"reset", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &echoHandler{}
			l, addr := start(t, reactor.Config{HighWater: 64 << 10}, h)
			c := dial(t, addr)
			c.SetReadBuffer(64 << 10)
			go func() {
				// Until the connection is closed and Write fails.
				chunk := make([]byte, 64<<10)
				for {
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
			}()
			waitFor(t, "server output pending", func() bool { return h.maxPending.Load() > 64<<10 })
			if tc.reset {
				c.SetLinger(0)
			}
			c.Close()
			waitFor(t, "server closed the connection", func() bool { return h.closed.Load() == 1 && l.Conns() == 0 })

			c2 := dial(t, addr)
			defer c2.Close()
			if err := roundTrip(c2, "still serving\n"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// openFiles lists what the process's descriptors point to ("socket:[123]",
// "anon_inode:[eventpoll]", ...), counted by target.
func openFiles(t *testing.T) map[string]int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot list open files: %v", err)
	}
	files := map[string]int{}
	for _, e := range ents {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil {
			files[target]++
		}
	}
	return files
}

// newFiles returns the descriptors open now that were not open in base.
// Comparing targets rather than a count is immune to descriptors that
// earlier tests or the runtime close meanwhile.
func newFiles(base, now map[string]int) []string {
	var extra []string
	for target, n := range now {
		if n > base[target] && !strings.HasPrefix(target, "/proc/") {
			extra = append(extra, target)
		}
	}
	return extra
}

// Every way a client can leave returns its descriptor.
func TestNoFdLeak(t *testing.T) {
	h := &echoHandler{lines: true}
	l, addr := start(t, reactor.Config{}, h)
	// The first Dial starts the Go runtime's own poller (descriptors of
	// its own): do one before taking the baseline.
	c := dial(t, addr)
	c.Close()
	waitFor(t, "warm-up connection closed", func() bool { return l.Conns() == 0 })
	base := openFiles(t)

	const clients = 60
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			c.SetDeadline(time.Now().Add(20 * time.Second))
			if err := roundTrip(c, "hi\n"); err != nil {
				t.Error(err)
			}
			tc := c.(*net.TCPConn)
			switch i % 4 {
			case 0: // plain close
			case 1: // reset
				tc.SetLinger(0)
			case 2: // half close, then wait for the server's close
				tc.CloseWrite()
				io.Copy(io.Discard, tc)
			case 3: // leave a partial line behind
				io.WriteString(tc, "no newline")
			}
			tc.Close()
		}()
	}
	wg.Wait()
	waitFor(t, "all connections closed", func() bool { return l.Conns() == 0 })
	deadline := time.Now().Add(10 * time.Second)
	for {
		extra := newFiles(base, openFiles(t))
		if len(extra) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("descriptors still open after every client left: %v", extra)
		}
		time.Sleep(time.Millisecond)
	}
	if got := h.closed.Load(); got != clients+1 {
		t.Errorf("Closed called %d times, want %d", got, clients+1)
	}
}

func TestTimersFireInOrder(t *testing.T) {
	h := &echoHandler{}
	l, _ := start(t, reactor.Config{}, h)
	type fired struct {
		name    string
		elapsed time.Duration
		want    time.Duration
	}
	var order []fired // loop goroutine only
	ticks := 0
	result := make(chan []fired, 1)
	var t0 time.Time
	onLoop(t, l, func() {
		t0 = time.Now()
		add := func(name string, d time.Duration) *reactor.Timer {
			return l.After(d, func() { order = append(order, fired{name, time.Since(t0), d}) })
		}
		add("c", 60*time.Millisecond)
		add("a", 20*time.Millisecond)
		add("b", 40*time.Millisecond)
		add("a2", 20*time.Millisecond) // same time as "a": creation order breaks the tie
		add("never", 30*time.Millisecond).Stop()
		var tick *reactor.Timer
		tick = l.Every(5*time.Millisecond, func() {
			ticks++
			if ticks == 3 {
				tick.Stop()
			}
		})
		l.After(80*time.Millisecond, func() { result <- append([]fired(nil), order...) })
	})
	var got []fired
	select {
	case got = <-result:
	case <-time.After(10 * time.Second):
		t.Fatal("timers did not fire")
	}
	var names []string
	for _, f := range got {
		names = append(names, f.name)
		if f.elapsed < f.want {
			t.Errorf("timer %s fired after %v, before its %v", f.name, f.elapsed, f.want)
		}
	}
	if strings.Join(names, " ") != "a a2 b c" {
		t.Errorf("timers fired in order %v, want [a a2 b c]", names)
	}
	onLoop(t, l, func() {
		if ticks != 3 {
			t.Errorf("periodic timer ran %d times, want 3 (it stops itself)", ticks)
		}
	})
}

// Functions posted from many goroutines all run, on the loop goroutine,
// in the order each goroutine posted them. The race detector checks the
// "on the loop goroutine" part: count is also touched by a BeforeSleep hook.
func TestPostRunsOnLoop(t *testing.T) {
	h := &echoHandler{}
	l, err := reactor.New(reactor.Config{Listen: []string{"127.0.0.1:0"}}, h)
	if err != nil {
		t.Fatal(err)
	}
	count, turns := 0, 0
	l.BeforeSleep(func() { turns += count & 1 })
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	defer func() {
		l.Stop()
		<-done
		l.CloseAll()
	}()

	const posters, each = 8, 200
	last := make([]int, posters)
	var wg sync.WaitGroup
	for p := range posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				l.Post(func() {
					count++
					if i != last[p] {
						t.Errorf("poster %d: function %d ran after %d", p, i, last[p]-1)
					}
					last[p] = i + 1
				})
			}
		}()
	}
	wg.Wait()
	got := make(chan int, 1)
	l.Post(func() { got <- count })
	select {
	case n := <-got:
		if n != posters*each {
			t.Fatalf("%d posted functions ran, want %d", n, posters*each)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("posted functions did not run")
	}
}

// Close sends what is queued, then closes (QUIT); PauseReads holds input
// back and resuming requeues the connection, so a line already buffered
// is served without any new bytes arriving.
func TestCloseAfterReplyAndPause(t *testing.T) {
	h := &echoHandler{lines: true}
	var resumedAt time.Time
	var pausedAt time.Time
	h.onLine = func(c *reactor.Conn, line []byte) bool {
		switch string(line) {
		case "quit\n":
			c.Write([]byte("bye\n"))
			c.Close()
			c.Consume(len(line))
			return false
		case "pause\n":
			c.Write(line)
			c.Consume(len(line))
			c.PauseReads(true)
			pausedAt = time.Now()
			h.loop.After(30*time.Millisecond, func() {
				resumedAt = time.Now()
				c.PauseReads(false)
			})
			return false
		}
		return true
	}
	l, addr := start(t, reactor.Config{}, h)

	c := dial(t, addr)
	defer c.Close()
	if _, err := io.WriteString(c, "pause\nafter\n"); err != nil {
		t.Fatal(err)
	}
	want := "pause\nafter\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	onLoop(t, l, func() {
		if d := resumedAt.Sub(pausedAt); d < 30*time.Millisecond {
			t.Errorf("resumed after %v, want >= 30ms", d)
		}
	})

	if _, err := io.WriteString(c, "quit\nignored\n"); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(rest) != "bye\n" {
		t.Fatalf("after quit got %q, want %q then EOF", rest, "bye\n")
	}
	waitFor(t, "connection closed", func() bool { return l.Conns() == 0 })
}

func TestIPv6(t *testing.T) {
	h := &echoHandler{lines: true}
	l, err := reactor.New(reactor.Config{Listen: []string{"[::1]:0"}}, h)
	if err != nil {
		if errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) {
			t.Skipf("no IPv6 loopback: %v", err)
		}
		t.Fatal(err)
	}
	l.CloseAll()

	var remote string
	h.onLine = func(c *reactor.Conn, line []byte) bool { remote = c.RemoteAddr(); return true }
	_, addr := start(t, reactor.Config{Listen: []string{"[::1]:0", "127.0.0.1:0"}}, h)
	if !strings.HasPrefix(addr, "[::1]:") {
		t.Fatalf("bound address %q, want [::1]:port", addr)
	}
	c := dial(t, addr)
	defer c.Close()
	if err := roundTrip(c, "over IPv6\n"); err != nil {
		t.Fatal(err)
	}
	onLoop(t, h.loop, func() {
		if !strings.HasPrefix(remote, "[::1]:") {
			t.Errorf("RemoteAddr %q, want [::1]:port", remote)
		}
	})
}

func TestNewRejectsBadAddresses(t *testing.T) {
	for _, addr := range []string{"127.0.0.1", "127.0.0.1:http", "example.com:80", "127.0.0.1:99999"} {
		l, err := reactor.New(reactor.Config{Listen: []string{addr}}, &echoHandler{})
		if err == nil {
			l.CloseAll()
			t.Errorf("New(%q) succeeded, want an error", addr)
		}
	}
}
