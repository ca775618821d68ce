package reactor

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Config says where to listen and how the loop treats its connections.
// The zero value of every field except Listen is usable.
type Config struct {
	Listen    []string // "127.0.0.1:6379", "[::1]:6379"; port 0 picks a free port
	Backlog   int      // listen(2) backlog; default 511, as Redis's tcp-backlog
	IOThreads int      // goroutines used by Each and by the flush of pending output; <= 1: the loop goroutine only
	// HighWater is the number of unsent output bytes above which a
	// connection stops being read until its output drains to HighWater/2.
	// Default 1 MiB.
	HighWater int
}

// DefaultHighWater is Config.HighWater when it is zero.
const DefaultHighWater = 1 << 20

// Handler is the layer above the loop. All three methods run on the loop
// goroutine.
type Handler interface {
	// Open is called once per accepted connection. It may Write (a
	// greeting) and Close (to refuse, e.g. too many clients).
	Open(c *Conn)
	// Readable is called once per turn with every connection that has input
	// to look at. Nothing has been read yet: the handler calls c.Fill,
	// perhaps through Loop.Each on I/O goroutines. The slice is reused by the
	// next turn.
	Readable(ready []*Conn)
	// Closed is called after the connection's fd is closed; c must not be
	// used afterwards.
	Closed(c *Conn)
}

// Event bits the poller reports and accepts. They are the loop's own
// vocabulary, so the loop never sees EPOLLIN and friends (ae.c's
// AE_READABLE/AE_WRITABLE).
const (
	evRead  uint8 = 1 << iota // data (or EOF) to read; a listener has connections to accept
	evWrite                   // room in the socket's send buffer
	evHup                     // both directions shut down
	evErr                     // socket error
)

// event is one ready fd as the poller reports it.
type event struct {
	fd   int32
	mask uint8
}

// Loop is the event loop. Create it with New, run it with Run on one
// goroutine, the loop goroutine. Methods are for the loop goroutine unless
// their comment says otherwise.
type Loop struct {
	cfg   Config
	h     Handler
	poll  *poller
	addrs []string
	lfds  []int // listening sockets; nil after StopAccepting

	conns  []*Conn // indexed by fd: one slice lookup per event
	nconns atomic.Int64

	fired    []event // reused by every epoll_wait
	ready    []*Conn // the Readable batch, reused every turn
	requeue  []*Conn // conns to put in the next batch without socket input
	pending  []*Conn // conns with output to flush (or a close to finish) this turn
	inEach   bool    // Each is running: Write and Close must not touch the lists above
	flushFn  func(*Conn)
	acceptOK bool // false while accepting is paused after EMFILE

	epoch  time.Time // timers count from here on the monotonic clock
	timers timerHeap
	seq    uint64

	postMu   sync.Mutex
	posted   []func()
	running  []func() // the batch being run; swapped with posted each turn
	released bool     // descriptors closed: Post and Stop must not wake

	beforeSleep []func()

	// nested is set during TurnWhileBusy, which keeps its own batch,
	// flush list and events so that the turn it interrupted finds its
	// own as it left them.
	nested      bool
	busyConn    *Conn // the connection TurnWhileBusy leaves alone
	nestedFired []event
	nestedReady []*Conn

	workers []chan job
	done    chan struct{}

	stopped atomic.Bool
	active  atomic.Bool // Run is running
}

// job is one slice of an Each call handed to an I/O goroutine.
type job struct {
	conns []*Conn
	fn    func(*Conn)
}

// New creates the listening sockets (non-blocking, SO_REUSEADDR), the
// poller and its wake-up descriptor, and the I/O goroutines if
// cfg.IOThreads > 1. Nothing is accepted until Run.
func New(cfg Config, h Handler) (*Loop, error) {
	if h == nil {
		return nil, errors.New("reactor: nil Handler")
	}
	if len(cfg.Listen) == 0 {
		return nil, errors.New("reactor: no listen address")
	}
	if cfg.Backlog <= 0 {
		cfg.Backlog = 511
	}
	if cfg.HighWater <= 0 {
		cfg.HighWater = DefaultHighWater
	}
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	l := &Loop{cfg: cfg, h: h, poll: p, epoch: time.Now(), acceptOK: true}
	l.flushFn = (*Conn).flush
	for _, a := range cfg.Listen {
		fd, bound, err := listenTCP(a, cfg.Backlog)
		if err == nil {
			err = p.add(fd, evRead)
		}
		if err != nil {
			if fd >= 0 {
				closeFd(fd)
			}
			l.release()
			return nil, fmt.Errorf("reactor: listen %s: %w", a, err)
		}
		l.lfds = append(l.lfds, fd)
		l.addrs = append(l.addrs, bound)
	}
	if cfg.IOThreads > 1 {
		l.done = make(chan struct{}, cfg.IOThreads)
		for i := 1; i < cfg.IOThreads; i++ {
			ch := make(chan job, 1)
			l.workers = append(l.workers, ch)
			go l.worker(ch)
		}
	}
	return l, nil
}

// Addrs returns the bound addresses, e.g. "127.0.0.1:41234". Any goroutine.
func (l *Loop) Addrs() []string { return append([]string(nil), l.addrs...) }

// Conns returns the number of open connections. Any goroutine.
func (l *Loop) Conns() int { return int(l.nconns.Load()) }

// Run runs the loop on the calling goroutine until Stop, then closes the
// listeners. Connections stay open: see CloseAll.
func (l *Loop) Run() error {
	if !l.active.CompareAndSwap(false, true) {
		return errors.New("reactor: Run called twice")
	}
	defer l.active.Store(false)
	defer l.StopAccepting()
	for !l.stopped.Load() {
		if err := l.turn(); err != nil {
			return err
		}
	}
	return nil
}

// Stop makes Run return after the current turn. Any goroutine.
func (l *Loop) Stop() {
	l.stopped.Store(true)
	l.postMu.Lock()
	if !l.released {
		l.poll.wake()
	}
	l.postMu.Unlock()
}

// StopAccepting closes the listening sockets (the first step of a
// shutdown). Connections already accepted are not affected.
func (l *Loop) StopAccepting() {
	for _, fd := range l.lfds {
		l.poll.del(fd)
		closeFd(fd)
	}
	l.lfds = nil
}

// CloseAll closes every connection now, dropping unsent output; Closed is
// called for each. Call it on the loop goroutine or after Run has returned.
// After Run has returned it also releases the loop's own descriptors and
// I/O goroutines, so the Loop cannot run again.
func (l *Loop) CloseAll() {
	for _, c := range l.conns {
		if c != nil {
			c.CloseNow()
		}
	}
	if !l.active.Load() {
		l.StopAccepting()
		l.release()
	}
}

// release closes the poller and stops the I/O goroutines. Post and Stop
// check released under postMu so that they never write to a closed (and
// perhaps reused) descriptor number.
func (l *Loop) release() {
	l.postMu.Lock()
	defer l.postMu.Unlock()
	if l.released {
		return
	}
	l.released = true
	l.poll.close()
	for _, ch := range l.workers {
		close(ch)
	}
	l.workers = nil
}

// Post arranges for fn to run on the loop goroutine soon, waking the loop
// if it sleeps in epoll_wait. Any goroutine. Functions run in the order
// they were posted. After CloseAll has released the loop, fn is dropped.
func (l *Loop) Post(fn func()) {
	l.postMu.Lock()
	defer l.postMu.Unlock()
	if l.released {
		return
	}
	l.posted = append(l.posted, fn)
	if len(l.posted) == 1 {
		// The first function of a batch wakes the loop; the loop takes
		// the whole batch at once, so later ones need no wake-up.
		l.poll.wake()
	}
}

// BeforeSleep registers fn to run every turn after Readable, timers and
// posted functions, and before pending output is flushed: a reply must not
// leave before the write it acknowledges is durable (Redis's beforeSleep
// calls flushAppendOnlyFile before handleClientsWithPendingWrites).
func (l *Loop) BeforeSleep(fn func()) { l.beforeSleep = append(l.beforeSleep, fn) }

// turn is one iteration of the loop, Redis's aeProcessEvents.
func (l *Loop) turn() error {
	fired, err := l.poll.wait(l.waitTimeout(), l.fired[:0])
	if err != nil {
		return fmt.Errorf("reactor: poll: %w", err)
	}
	l.fired = fired
	for _, ev := range fired {
		l.dispatch(ev)
	}
	l.collectRequeued()
	if len(l.ready) > 0 {
		l.h.Readable(l.ready)
		l.afterReadable()
	}
	l.runTimers()
	l.runPosted()
	for _, fn := range l.beforeSleep {
		fn()
	}
	l.flush()
	return nil
}

// waitTimeout is how long epoll_wait may sleep, in milliseconds: not at all
// if work is already queued, until the nearest timer, or forever (-1).
// Post and Stop interrupt the sleep through the poller's wake-up fd.
func (l *Loop) waitTimeout() int {
	if len(l.requeue) > 0 || len(l.pending) > 0 {
		return 0
	}
	if len(l.timers) == 0 {
		return -1
	}
	d := l.timers[0].when - l.clock()
	if d <= 0 {
		return 0
	}
	// Round up: waking a little late is fine, waking early costs a turn.
	return int((d + time.Millisecond - 1) / time.Millisecond)
}

// TurnWhileBusy is one short turn of the loop from inside a command that
// runs for a long time on the loop goroutine (a script past
// busy-reply-threshold), Redis's processEventsWhileBlocked. It accepts
// connections, reads, parses and answers clients, runs the BeforeSleep
// hooks (the AOF's flush comes before any reply leaves, as in every
// turn) and flushes output, without waiting. The handler's Readable runs
// as usual; it is up to the handler to answer only what may run while
// the long command has not finished (-BUSY to the rest). No timer or
// posted function runs: they may touch what the long command is changing.
//
// running, the connection whose command is the long one, is not read and
// not closed (Redis's protectClient): a close asked for meanwhile waits
// for the next normal turn. The other connections of the interrupted
// turn's batch are handed to Readable again, since commands they sent in
// that turn may not have run yet.
func (l *Loop) TurnWhileBusy(running *Conn) error {
	if l.nested || l.stopped.Load() {
		return nil
	}
	l.nested, l.busyConn = true, running
	ready := l.ready
	l.ready = l.nestedReady[:0]
	defer func() {
		l.nestedReady, l.ready = l.ready[:0], ready
		l.nested, l.busyConn = false, nil
	}()
	for _, c := range ready {
		if c != running && c.reading() {
			l.addReady(c)
		}
	}
	fired, err := l.poll.wait(0, l.nestedFired[:0])
	if err != nil {
		return fmt.Errorf("reactor: poll: %w", err)
	}
	l.nestedFired = fired
	for _, ev := range fired {
		l.dispatch(ev)
	}
	l.collectRequeued()
	if len(l.ready) > 0 {
		l.h.Readable(l.ready)
		l.afterReadable()
	}
	for _, fn := range l.beforeSleep {
		fn()
	}
	l.flush()
	return nil
}

// Busy reports whether TurnWhileBusy is running.
func (l *Loop) Busy() bool { return l.nested }

// dispatch routes one poller event: listeners accept, connections join the
// Readable batch or the flush list, errors close. In a turn while busy
// the running connection is skipped (see TurnWhileBusy); level-triggered,
// its events come back in the next normal turn.
func (l *Loop) dispatch(ev event) {
	fd := int(ev.fd)
	var c *Conn
	if fd < len(l.conns) {
		c = l.conns[fd]
	}
	if c == nil {
		if ev.mask&evRead != 0 && l.isListener(fd) {
			l.acceptAll(fd)
		}
		return
	}
	if l.nested && c == l.busyConn {
		return
	}
	if ev.mask&evErr != 0 {
		c.CloseNow()
		return
	}
	if ev.mask&(evRead|evHup) != 0 {
		if !c.reading() {
			// Hung up while we were not reading it: nobody will
			// ever look at this socket again.
			if ev.mask&evHup != 0 {
				c.CloseNow()
				return
			}
		} else {
			if ev.mask&evHup != 0 {
				c.flags |= fHup
			}
			l.addReady(c)
		}
	}
	if ev.mask&evWrite != 0 && c.flags&fPending == 0 {
		c.flags |= fPending
		l.pending = append(l.pending, c)
	}
}

func (l *Loop) isListener(fd int) bool {
	for _, lfd := range l.lfds {
		if lfd == fd {
			return true
		}
	}
	return false
}

// acceptAll accepts every pending connection on a listener until EAGAIN,
// as Redis's acceptTcpHandler does (up to MAX_ACCEPTS_PER_CALL): under a
// connection storm one turn clears the backlog.
func (l *Loop) acceptAll(lfd int) {
	for l.acceptOK {
		fd, peer, err := acceptTCP(lfd)
		if err != nil {
			if isTooManyFiles(err) {
				l.pauseAccepting()
			}
			// EAGAIN (drained) or a per-connection error such as
			// ECONNABORTED: either way, stop for this turn.
			return
		}
		c := &Conn{l: l, fd: int32(fd), peer: peer}
		if err := l.poll.add(fd, evRead); err != nil {
			closeFd(fd)
			continue
		}
		c.mask = evRead
		for fd >= len(l.conns) {
			l.conns = append(l.conns, make([]*Conn, len(l.conns)+64)...)
		}
		l.conns[fd] = c
		l.nconns.Add(1)
		l.h.Open(c)
	}
}

// pauseAccepting stops accepting for 100 ms when the process is out of
// file descriptors. With a level-triggered listener that cannot accept,
// epoll_wait would otherwise return at once forever and burn a core.
func (l *Loop) pauseAccepting() {
	l.acceptOK = false
	for _, fd := range l.lfds {
		l.poll.mod(fd, 0)
	}
	l.After(100*time.Millisecond, func() {
		l.acceptOK = true
		for _, fd := range l.lfds {
			l.poll.mod(fd, evRead)
		}
	})
}

func (l *Loop) addReady(c *Conn) {
	f := l.batchFlag()
	if c.flags&f == 0 {
		c.flags |= f
		l.ready = append(l.ready, c)
	}
}

// batchFlag marks a connection as in the batch being built: the turn's,
// or, during TurnWhileBusy, its own, which may hold connections of the
// interrupted batch.
func (l *Loop) batchFlag() uint16 {
	if l.nested {
		return fInNested
	}
	return fInBatch
}

// collectRequeued moves requeued connections into this turn's batch.
// A connection that cannot be read now (paused, over HighWater, closing)
// is dropped from the queue: resuming it requeues it again.
//
// In a turn while busy, the running connection stays in the queue for
// the next normal turn.
func (l *Loop) collectRequeued() {
	kept := l.requeue[:0]
	for _, c := range l.requeue {
		if l.nested && c == l.busyConn {
			kept = append(kept, c)
			continue
		}
		c.flags &^= fRequeued
		if c.reading() {
			l.addReady(c)
		}
	}
	clear(l.requeue[len(kept):])
	l.requeue = kept
}

// afterReadable closes what Fill found closed: EOF closes gracefully (any
// reply still queued is sent first), read errors close at once, and so
// does a hung-up socket that the handler did not read.
func (l *Loop) afterReadable() {
	for i, c := range l.ready {
		l.ready[i] = nil
		f := c.flags
		c.flags &^= l.batchFlag() | fFilled | fHup
		switch {
		case f&fClosed != 0:
		case f&fReadErr != 0:
			c.CloseNow()
		case f&fEOF != 0:
			c.Close()
		case f&fHup != 0 && f&fFilled == 0:
			c.CloseNow()
		}
	}
	l.ready = l.ready[:0]
}

// runPosted runs the functions posted since the last turn. The two slices
// are swapped so that the steady state allocates nothing and Post does not
// wait for the functions to run.
func (l *Loop) runPosted() {
	l.postMu.Lock()
	l.posted, l.running = l.running[:0], l.posted
	l.postMu.Unlock()
	for i, fn := range l.running {
		l.running[i] = nil
		fn()
	}
}

// Each runs fn for every connection, spread over the IOThreads goroutines
// (the loop goroutine takes one share), and returns when all are done. Each
// connection is handled by exactly one goroutine, so fn may Fill, read
// Input, Consume and Write on its own connection, and nothing else: no
// Close, no loop state, no data shared between connections.
func (l *Loop) Each(conns []*Conn, fn func(c *Conn)) {
	n := len(l.workers) + 1
	if n == 1 || len(conns) < 2 {
		for _, c := range conns {
			fn(c)
		}
		return
	}
	if len(conns) < n {
		n = len(conns)
	}
	l.inEach = true
	for i := 1; i < n; i++ {
		l.workers[i-1] <- job{conns: conns[i*len(conns)/n : (i+1)*len(conns)/n], fn: fn}
	}
	for _, c := range conns[:len(conns)/n] {
		fn(c)
	}
	for i := 1; i < n; i++ {
		<-l.done
	}
	l.inEach = false
	// Writes made on I/O goroutines could not join the flush list; do it
	// now, on the loop goroutine.
	for _, c := range conns {
		if c.flags&fClosing != 0 {
			c.updateInterest()
		}
		c.markPending()
	}
}

// worker is one I/O goroutine: it runs its share of each Each call.
func (l *Loop) worker(jobs chan job) {
	for j := range jobs {
		for _, c := range j.conns {
			j.fn(c)
		}
		l.done <- struct{}{}
	}
}

// flush writes pending output, one write(2) per connection, in parallel
// when there are I/O goroutines, then settles each connection: EPOLLOUT
// armed only while output is left, reads stopped above HighWater,
// closing connections closed once drained (Redis's
// handleClientsWithPendingWrites).
func (l *Loop) flush() {
	n := 0
	if len(l.workers) > 0 && len(l.pending) > 1 {
		n = len(l.pending)
		l.Each(l.pending[:n:n], l.flushFn)
	}
	// Closed callbacks may Write to other connections and append to
	// l.pending: index, don't range. In a turn while busy the running
	// connection stays in the list, unsettled: settling may close it.
	kept := 0
	for i := 0; i < len(l.pending); i++ {
		c := l.pending[i]
		l.pending[i] = nil
		if l.nested && c == l.busyConn {
			l.pending[kept] = c
			kept++
			continue
		}
		if i >= n {
			c.flush()
		}
		c.settle()
	}
	l.pending = l.pending[:kept]
}
