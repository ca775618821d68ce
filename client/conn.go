package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// conn is one TCP connection to the server. Requests are encoded into out
// and leave in one write on flush, so a pipeline of commands costs one
// syscall; replies come back through a resp.ReplyReader.
type conn struct {
	nc  net.Conn
	rd  *resp.ReplyReader
	out []byte
}

func dial(addr string, timeout time.Duration) (*conn, error) {
	d := net.Dialer{Timeout: timeout}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, rd: resp.NewReplyReader(nc)}, nil
}

// send queues one command; nothing is written until flush.
func (c *conn) send(args []string) {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	c.out = resp.AppendCommand(c.out, bs...)
}

func (c *conn) flush() error {
	if len(c.out) == 0 {
		return nil
	}
	_, err := c.nc.Write(c.out)
	c.out = c.out[:0]
	return err
}

func (c *conn) read() (resp.Value, error) { return c.rd.Read() }

// do sends one command and waits for its reply.
func (c *conn) do(args ...string) (resp.Value, error) {
	c.send(args)
	if err := c.flush(); err != nil {
		return resp.Value{}, err
	}
	return c.read()
}

func (c *conn) close() error { return c.nc.Close() }

// connectError is the message for a failed dial. The reason is the bare
// system error ("connection refused"), not Go's "dial tcp ..." chain,
// because the address is already in the sentence.
func connectError(addr string, err error) string {
	return fmt.Sprintf("Could not connect to %s: %s", addr, reason(err))
}

func reason(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "connection timed out"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err.Error()
	}
	return err.Error()
}

// closedByServer reports whether err means the other side went away,
// which is worth a reconnect in the interactive prompt.
func closedByServer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// ioError is the message for a failed read or write on an open
// connection, in hiredis's words where it has some.
func ioError(err error) string {
	if closedByServer(err) {
		return "Error: Server closed the connection"
	}
	return "Error: " + reason(err)
}
