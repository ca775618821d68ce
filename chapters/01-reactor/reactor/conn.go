package reactor

import (
	"errors"
	"io"
	"net/netip"
	"sync"
)

// Conn is one accepted connection. Its methods are for the loop goroutine,
// except Fill, Input, Consume, Grow, Write and Pending, which may also run
// inside an Each function for this connection.
//
// An idle connection holds no buffers: input and output buffers are taken
// from a pool when bytes arrive or a reply is written and given back as
// soon as they are empty, so that 10,000 idle clients cost 10,000 small
// structs and not 10,000 x 32 KiB.
type Conn struct {
	Ctx any // owned by the layer above (its per-client state)

	l     *Loop
	in    *buffer // nil when there is no unconsumed input
	out   *buffer // nil when there is no unsent output
	peer  netip.AddrPort
	fd    int32
	flags uint16
	mask  uint8 // events registered with the poller
	// readClass is the buffer class Fill takes for new input (see
	// adaptRead); it fits in the struct's padding.
	readClass uint8
}

// Conn flags. One goroutine at a time touches a connection, so a plain
// bit set is enough.
const (
	fInBatch      uint16 = 1 << iota // in this turn's Readable batch
	fInNested                        // in the batch of a TurnWhileBusy
	fRequeued                        // in l.requeue
	fPending                         // in l.pending (output to flush or a close to finish)
	fFilled                          // Fill read bytes this turn
	fHup                             // the poller reported a hang-up this turn
	fEOF                             // Fill saw an orderly close
	fReadErr                         // Fill saw an error
	fWriteErr                        // flush saw an error
	fClosing                         // close once output is flushed
	fClosed                          // fd closed
	fPaused                          // PauseReads(true)
	fBackpressure                    // output above HighWater: not reading
)

// readSize is the size of a pooled buffer and of a normal read: Redis's
// PROTO_IOBUF_LEN. minRead is the least free space Fill reads into.
const (
	readSize = 16 << 10
	minRead  = 4 << 10
)

// ErrClosed is returned by Fill on a closed connection.
var ErrClosed = errors.New("reactor: connection closed")

// buffer is a byte slice with a read offset: b[off:] is the live data.
type buffer struct {
	b   []byte
	off int
}

// Buffers come in a few size classes, each with its own pool. A
// connection that pipelines large replies grows its output buffer from
// 16 KiB to 64 KiB or more on every turn; taking the bigger buffer from a
// pool and giving it back once flushed keeps that steady state free of
// allocation and garbage. Larger buffers (a huge bulk) are left to the GC.
var bufClasses = [...]int{readSize, 64 << 10, 256 << 10, 1 << 20}

var bufPools [len(bufClasses)]sync.Pool

func init() {
	for i, size := range bufClasses {
		bufPools[i].New = func() any { return &buffer{b: make([]byte, 0, size)} }
	}
}

// class returns the index of the smallest class holding n bytes, or -1.
func class(n int) int {
	for i, size := range bufClasses {
		if n <= size {
			return i
		}
	}
	return -1
}

func getBuffer() *buffer { return bufPools[0].Get().(*buffer) }

// maxReadClass bounds how big a buffer Fill starts with: 256 KiB, sixteen
// pipelined 16 KiB values.
const maxReadClass = 2

// putBuffer returns a buffer to its class's pool. Buffers of other sizes
// are dropped: one grown for a single huge reply or bulk argument would
// otherwise pin its memory to the next connection that borrows it.
func putBuffer(b *buffer) {
	i := class(cap(b.b))
	if i < 0 || cap(b.b) != bufClasses[i] {
		return
	}
	b.b, b.off = b.b[:0], 0
	bufPools[i].Put(b)
}

// room makes at least n bytes of free space after the live data, first by
// moving the live data to the front, then by moving it to a bigger
// buffer. The old array goes back to its pool: nothing may keep slices of
// a buffer's bytes across a call that can grow it (the layer above
// consumes, or copies, what it parsed before it reads again).
func (b *buffer) room(n int) {
	if cap(b.b)-len(b.b) >= n {
		return
	}
	if b.off > 0 {
		live := copy(b.b, b.b[b.off:])
		b.b, b.off = b.b[:live], 0
		if cap(b.b)-len(b.b) >= n {
			return
		}
	}
	want := max(2*cap(b.b), len(b.b)+n)
	i := class(want)
	if i < 0 {
		nb := make([]byte, len(b.b), want)
		copy(nb, b.b)
		b.b = nb
		return
	}
	// Trade arrays with a pooled buffer: it leaves with the old array.
	pooled := bufPools[i].Get().(*buffer)
	nb := pooled.b[:len(b.b)]
	copy(nb, b.b)
	b.b, pooled.b = nb, b.b
	putBuffer(pooled)
}

// Fd returns the connection's file descriptor.
func (c *Conn) Fd() int { return int(c.fd) }

// RemoteAddr returns the peer's address, e.g. "127.0.0.1:5555" or
// "[::1]:5555".
func (c *Conn) RemoteAddr() string { return c.peer.String() }

// LocalAddr returns the local address of the connection ("" once closed).
// It asks the kernel each time: few callers need it, and not storing it
// keeps idle connections small.
func (c *Conn) LocalAddr() string {
	if c.flags&fClosed != 0 {
		return ""
	}
	a, err := localAddr(int(c.fd))
	if err != nil {
		return ""
	}
	return a.String()
}

// Fill does one non-blocking read into the input buffer. It returns nil
// when bytes arrived or none were waiting (EAGAIN), io.EOF when the peer
// closed, or the read error. The loop closes the connection after Readable
// when Fill saw EOF or an error; the handler need not.
func (c *Conn) Fill() error {
	if c.flags&(fClosed|fClosing) != 0 {
		return ErrClosed
	}
	if c.in == nil {
		c.in = bufPools[c.readClass].Get().(*buffer)
	}
	b := c.in
	b.room(minRead)
	fresh, free := len(b.b) == b.off, cap(b.b)-len(b.b)
	n, err := readFd(int(c.fd), b.b[len(b.b):cap(b.b)])
	if n > 0 {
		b.b = b.b[:len(b.b)+n]
		c.flags |= fFilled
		c.adaptRead(n, free, fresh)
		return nil
	}
	if len(b.b) == b.off {
		c.in = nil
		putBuffer(b)
	}
	switch {
	case err == nil:
		c.flags |= fEOF
		return io.EOF
	case isWouldBlock(err):
		return nil
	default:
		c.flags |= fReadErr
		return err
	}
}

// adaptRead sizes the next input buffer from this read, as Redis's
// greedy read into all of its query buffer's free space does: a read
// that filled the whole space means the peer sends more at a time than
// the buffer holds (a pipeline of big values), and cutting its batch in
// two costs a second read and a second write of replies, so the next
// buffer is one class bigger. A read into an empty buffer (fresh) that
// used less than a quarter of it brings the class back down; the read
// that completes a command cut by the last one says nothing about how
// much the peer sends at a time.
func (c *Conn) adaptRead(n, free int, fresh bool) {
	switch {
	case n == free && c.readClass < maxReadClass:
		c.readClass++
	case fresh && n < free/4 && c.readClass > 0:
		c.readClass--
	}
}

// Input returns the unconsumed input. The slice is valid until the next
// Fill, Consume or Grow.
func (c *Conn) Input() []byte {
	if c.in == nil {
		return nil
	}
	return c.in.b[c.in.off:]
}

// Consume drops n bytes from the front of the input. When nothing is left
// the buffer goes back to the pool.
func (c *Conn) Consume(n int) {
	b := c.in
	if b == nil {
		return
	}
	b.off = min(b.off+n, len(b.b))
	if b.off == len(b.b) {
		c.in = nil
		putBuffer(b)
	}
}

// Grow makes room for n more input bytes, so that a parser expecting a big
// bulk argument gets it in few reads and one allocation.
func (c *Conn) Grow(n int) {
	if c.in == nil {
		c.in = getBuffer()
	}
	c.in.room(n)
}

// Write appends p to the output buffer. The bytes go out in this turn's
// flush phase. Writes after Close or CloseNow are dropped.
func (c *Conn) Write(p []byte) {
	if c.flags&(fClosed|fClosing) != 0 || len(p) == 0 {
		return
	}
	if c.out == nil {
		c.out = getBuffer()
	}
	c.out.room(len(p))
	c.out.b = append(c.out.b, p...)
	if !c.l.inEach {
		c.markPending()
	}
}

// Pending returns the number of unsent output bytes.
func (c *Conn) Pending() int {
	if c.out == nil {
		return 0
	}
	return len(c.out.b) - c.out.off
}

// Close closes the connection once its pending output is flushed (Redis's
// CLIENT_CLOSE_AFTER_REPLY). It stops reading at once.
func (c *Conn) Close() {
	if c.flags&(fClosed|fClosing) != 0 {
		return
	}
	c.flags |= fClosing
	if !c.l.inEach {
		c.updateInterest()
		c.markPending()
	}
}

// Closing reports whether Close or CloseNow was called or the peer is gone.
func (c *Conn) Closing() bool { return c.flags&(fClosing|fClosed) != 0 }

// CloseNow closes the connection immediately, dropping unsent output, and
// calls Handler.Closed. Idempotent.
func (c *Conn) CloseNow() {
	if c.flags&fClosed != 0 {
		return
	}
	if c.l.nested && c == c.l.busyConn {
		// Its command is still running (TurnWhileBusy) and holds slices
		// of its input: drop the output now and close in the next
		// normal turn's flush, as after a write error.
		if c.out != nil {
			c.out.off = len(c.out.b)
		}
		c.flags |= fClosing | fWriteErr
		c.markPending()
		return
	}
	c.flags |= fClosed
	l := c.l
	l.poll.del(int(c.fd))
	closeFd(int(c.fd))
	l.conns[c.fd] = nil
	l.nconns.Add(-1)
	if c.in != nil {
		putBuffer(c.in)
		c.in = nil
	}
	if c.out != nil {
		putBuffer(c.out)
		c.out = nil
	}
	l.h.Closed(c)
}

// Requeue puts c in the next turn's Readable batch even if no bytes arrive:
// for input already buffered (pipelined commands left over), a client that
// was blocked and is free again, or reads resumed after a pause.
func (c *Conn) Requeue() {
	if c.flags&(fRequeued|fClosed) != 0 {
		return
	}
	c.flags |= fRequeued
	c.l.requeue = append(c.l.requeue, c)
}

// PauseReads stops (true) or resumes (false) reading c, for the layer
// above (a blocked client, CLIENT PAUSE). It is separate from the loop's
// own backpressure: a connection is read only when neither holds it.
// Resuming requeues c so that input buffered meanwhile is looked at.
func (c *Conn) PauseReads(p bool) {
	if c.flags&fClosed != 0 {
		return
	}
	if p {
		c.flags |= fPaused
	} else if c.flags&fPaused != 0 {
		c.flags &^= fPaused
		c.Requeue()
	}
	c.updateInterest()
}

// reading reports whether the loop should read c now.
func (c *Conn) reading() bool {
	return c.flags&(fClosed|fClosing|fPaused|fBackpressure) == 0
}

// markPending puts c in the flush list if it has output or a close to
// finish. A connection waiting for EPOLLOUT is left alone: the poller
// brings it back when the socket has room.
//
// Except when it has just passed HighWater: settle must see it this turn
// to stop reading it, or a client that never reads could make the server
// buffer without limit.
func (c *Conn) markPending() {
	if c.flags&(fPending|fClosed) != 0 {
		return
	}
	if c.mask&evWrite != 0 {
		if c.flags&fBackpressure != 0 || c.Pending() <= c.l.cfg.HighWater {
			return
		}
	}
	if c.Pending() > 0 || c.flags&fClosing != 0 {
		c.flags |= fPending
		c.l.pending = append(c.l.pending, c)
	}
}

// flush does one write(2) of all pending output. One call is enough: if
// the kernel took less than everything, the socket buffer is full and a
// second call would only return EAGAIN. Safe on an I/O goroutine.
func (c *Conn) flush() {
	b := c.out
	if b == nil || c.flags&fClosed != 0 {
		return
	}
	n, err := writeFd(int(c.fd), b.b[b.off:])
	if n > 0 {
		b.off += n
	}
	if err != nil && !isWouldBlock(err) {
		c.flags |= fWriteErr
	}
}

// settle runs on the loop goroutine after a flush and decides what the
// connection waits for next.
func (c *Conn) settle() {
	c.flags &^= fPending
	if c.flags&fClosed != 0 {
		return
	}
	if c.flags&fWriteErr != 0 {
		c.CloseNow()
		return
	}
	left := c.Pending()
	if left == 0 && c.out != nil {
		putBuffer(c.out)
		c.out = nil
	}
	if left == 0 && c.flags&fClosing != 0 {
		c.CloseNow()
		return
	}
	hw := c.l.cfg.HighWater
	if left > hw {
		c.flags |= fBackpressure
	} else if c.flags&fBackpressure != 0 && left <= hw/2 {
		c.flags &^= fBackpressure
		c.Requeue()
	}
	c.updateInterest()
}

// updateInterest tells the poller what c waits for: input while it is
// read, room to write while output is left. epoll_ctl is called only when
// that changes, so a connection that always drains its output in the
// flush phase never has EPOLLOUT armed and costs no extra syscalls.
func (c *Conn) updateInterest() {
	if c.flags&fClosed != 0 {
		return // the fd number may already belong to someone else
	}
	var want uint8
	if c.reading() {
		want |= evRead
	}
	if c.Pending() > 0 {
		want |= evWrite
	}
	if want != c.mask {
		c.mask = want
		c.l.poll.mod(int(c.fd), want)
	}
}
