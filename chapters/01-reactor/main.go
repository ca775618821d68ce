// Command 01-reactor is an echo server on the reactor: every byte a client
// sends comes straight back. It is the smallest program that exercises the
// whole loop: accept, read, write, backpressure, close.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gocache/gocache/chapters/01-reactor/reactor"
	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"
)

// echo is the reactor.Handler: Readable reads what arrived and writes it
// back; the loop sends it in the same turn.
type echo struct {
	loop *reactor.Loop
	log  *logrus.Logger
}

func (e *echo) Open(c *reactor.Conn) {
	e.log.Debugf("accepted %s (fd %d)", c.RemoteAddr(), c.Fd())
}

func (e *echo) Readable(ready []*reactor.Conn) {
	e.loop.Each(ready, echoConn)
}

func (e *echo) Closed(c *reactor.Conn) {
	e.log.Debugf("closed %s", c.RemoteAddr())
}

// echoConn reads once and queues the bytes for writing. It may run on an
// I/O goroutine (--io-threads), so it touches nothing but its connection.
func echoConn(c *reactor.Conn) {
	if c.Fill() != nil {
		return // EOF or error: the loop closes the connection
	}
	in := c.Input()
	c.Write(in)
	c.Consume(len(in))
}

func main() {
	app := &cli.App{
		Name:  "01-reactor",
		Usage: "echo server on an epoll event loop",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Value: 6380, Usage: "TCP port (the course uses 6380 so that a real Redis can keep 6379)"},
			&cli.StringFlag{Name: "bind", Value: "127.0.0.1", Usage: "IP address to listen on"},
			&cli.IntFlag{Name: "io-threads", Value: 1, Usage: "goroutines that read and write sockets"},
			&cli.BoolFlag{Name: "verbose", Usage: "log every connection"},
		},
		HideHelpCommand: true,
		// A bad flag value is returned, not printed with the usage: main
		// prints it once, as one line.
		OnUsageError: func(ctx *cli.Context, err error, _ bool) error { return fmt.Errorf("%s: %w", ctx.App.Name, err) },
		Action:       run,
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx *cli.Context) error {
	// The flag parser stops at the first word that is not an option, so
	// "01-reactor extra --port 6380" would silently ignore --port.
	if ctx.NArg() > 0 {
		return fmt.Errorf("01-reactor: unexpected argument %q: this program takes only options (--port 6380 ...); see --help", ctx.Args().First())
	}
	log := logrus.New()
	if ctx.Bool("verbose") {
		log.SetLevel(logrus.DebugLevel)
	}
	h := &echo{log: log}
	addr := bindAddr(ctx.String("bind"), ctx.Int("port"))
	loop, err := reactor.New(reactor.Config{
		Listen:    []string{addr},
		IOThreads: ctx.Int("io-threads"),
	}, h)
	if err != nil {
		return err
	}
	h.loop = loop

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		log.Infof("received %v, shutting down", s)
		loop.Stop()
	}()

	log.Infof("echo server listening on %s", loop.Addrs()[0])
	err = loop.Run()
	n := loop.Conns()
	loop.CloseAll()
	log.Infof("closed %d connection(s), bye", n)
	return err
}

// bindAddr joins an IP and a port; IPv6 literals need brackets.
func bindAddr(ip string, port int) string {
	for _, ch := range ip {
		if ch == ':' {
			return fmt.Sprintf("[%s]:%d", ip, port)
		}
	}
	return fmt.Sprintf("%s:%d", ip, port)
}
