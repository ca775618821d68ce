package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// pipeItem is what the reading side must do for one input line, in input
// order: print a reply, or print a local message.
type pipeItem struct {
	args    []string
	help    bool // a "help" line: print help text, or format a COMMAND DOCS reply
	invalid bool // unbalanced quotes
}

// pipe runs the commands read from in, one per line, as redis-cli does
// when its standard input is not a terminal. Commands are pipelined: one
// goroutine sends them as fast as it reads them while this one prints the
// replies as they arrive, so a long script costs one round trip, not one
// per line.
func (s *session) pipe(in io.Reader) int {
	if s.connect() != nil {
		return 1
	}
	defer s.disconnect()
	items := make(chan pipeItem, 1024)
	done := make(chan struct{})
	fed := make(chan error, 1)
	go func() { fed <- feed(in, s.c, items, done) }()
	code := s.drain(items)
	close(done)
	if err := <-fed; err != nil && code == 0 {
		fmt.Fprintln(s.errw, ioError(err))
		code = 1
	}
	return code
}

// drain prints one reply (or message) per item until the feeder is done.
func (s *session) drain(items <-chan pipeItem) int {
	code := 0
	for it := range items {
		switch {
		case it.invalid:
			fmt.Fprintln(s.out, "Invalid argument(s)")
			continue
		case it.help && len(it.args) == 1:
			io.WriteString(s.out, helpText)
			continue
		case streams(it.args):
			err := s.stream(it.args)
			fmt.Fprintln(s.errw, ioError(err))
			return 1
		}
		v, err := s.readReply()
		if err != nil {
			fmt.Fprintln(s.errw, ioError(err))
			return 1
		}
		if it.help {
			s.printDoc(strings.Join(it.args[1:], " "), v)
			continue
		}
		s.print(v, rawByDefault(it.args))
		s.track(it.args, v)
		if isError(v) && s.opt.exitOnError {
			code = 1
		}
	}
	return code
}

// feed reads lines and sends the commands. It flushes whenever it would
// otherwise block (on input, or on a full items queue), so the server
// always has everything the printer is waiting for.
func feed(in io.Reader, c *conn, items chan<- pipeItem, done <-chan struct{}) error {
	defer close(items)
	br := bufio.NewReader(in)
	put := func(it pipeItem) bool {
		select {
		case items <- it:
			return true
		default:
		}
		if c.flush() != nil {
			return false
		}
		select {
		case items <- it:
			return true
		case <-done:
			return false
		}
	}
	for {
		if br.Buffered() == 0 {
			if err := c.flush(); err != nil {
				return nil // the printer sees the broken connection too
			}
		}
		line, rerr := br.ReadString('\n')
		if more, ok := feedLine(line, c, put); !more || !ok {
			c.flush()
			return nil
		}
		if rerr == io.EOF {
			c.flush()
			return nil
		}
		if rerr != nil {
			c.flush()
			return rerr
		}
	}
}

// feedLine handles one input line; more is false after quit/exit or a
// command that turns the connection into a message stream, ok is false
// when the printer has stopped.
func feedLine(line string, c *conn, put func(pipeItem) bool) (more, ok bool) {
	args, err := resp.SplitArgs(strings.TrimRight(line, "\r\n"))
	switch {
	case err != nil:
		return true, put(pipeItem{invalid: true})
	case len(args) == 0:
		return true, true
	case isCmd(args, "quit") || isCmd(args, "exit"):
		return false, true
	case isCmd(args, "help") || isCmd(args, "?"):
		if len(args) > 1 {
			c.send(docsCommand(args[1:]))
		}
		return true, put(pipeItem{args: args, help: true})
	}
	c.send(args)
	return !streams(args), put(pipeItem{args: args})
}
