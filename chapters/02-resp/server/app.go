package server

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"
)

// App is the command line every chapter's server shares: --port, --bind,
// --io-threads and --loglevel, logrus logs, and a clean stop on SIGINT or
// SIGTERM. A chapter adds its own flags and, in Setup, its commands.
type App struct {
	Name  string
	Usage string
	Flags []cli.Flag
	// Setup runs after the server is created and before it serves: the
	// place to register commands, options and hooks. It may block to load
	// data; clients are not accepted until it returns.
	Setup func(s *Server, ctx *cli.Context) error
}

// Run parses args (os.Args) and serves until a signal arrives.
func (a App) Run(args []string) error {
	app := &cli.App{
		Name:  a.Name,
		Usage: a.Usage,
		Flags: append([]cli.Flag{
			&cli.IntFlag{Name: "port", Value: 6380, Usage: "TCP port to listen on (0 picks a free one); the course uses 6380 so that a real Redis can keep 6379"},
			&cli.StringFlag{Name: "bind", Value: "127.0.0.1", Usage: "addresses to listen on, separated by spaces"},
			&cli.IntFlag{Name: "io-threads", Value: 1, Usage: "goroutines that read, parse and write (1: the event loop alone)"},
			&cli.StringFlag{Name: "loglevel", Value: "info", Usage: "debug, info, warning"},
		}, a.Flags...),
		HideHelpCommand: true,
		// A bad flag value is returned, not printed with the usage: main
		// prints it once, as one line.
		OnUsageError: func(ctx *cli.Context, err error, _ bool) error { return fmt.Errorf("%s: %w", ctx.App.Name, err) },
		Action:       a.serve,
	}
	return app.Run(args)
}

func (a App) serve(ctx *cli.Context) error {
	if err := NoArguments(ctx); err != nil {
		return err
	}
	log := logrus.New()
	log.SetOutput(os.Stderr)
	if lvl, err := logrus.ParseLevel(ctx.String("loglevel")); err == nil {
		log.SetLevel(lvl)
	}
	s, err := New(Options{
		Listen:    ListenAddrs(ctx.String("bind"), ctx.Int("port")),
		IOThreads: ctx.Int("io-threads"),
		Log:       log,
	})
	if err != nil {
		return err
	}
	if a.Setup != nil {
		if err := a.Setup(s, ctx); err != nil {
			return err
		}
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-signals
		log.Infof("Received %v, shutting down", sig)
		s.Shutdown()
	}()
	log.Infof("%s ready to accept connections on %s", a.Name, strings.Join(s.Addrs(), ", "))
	err = s.Run()
	log.Info("Bye")
	return err
}

// NoArguments refuses words that are not options. The flag parser stops
// at the first of them, so "02-resp extra --port 6380" would silently
// ignore --port; like redis-server, refuse the command line instead.
func NoArguments(ctx *cli.Context) error {
	if ctx.NArg() == 0 {
		return nil
	}
	return fmt.Errorf("%s: unexpected argument %q: this program takes only options (--port 6380 ...); see --help", ctx.App.Name, ctx.Args().First())
}

// ListenAddrs turns Redis's "bind" (addresses separated by spaces) and a
// port into listen addresses.
func ListenAddrs(bind string, port int) []string {
	var addrs []string
	for _, host := range strings.Fields(bind) {
		host = strings.TrimPrefix(host, "-") // Redis's "-::1": optional address
		addrs = append(addrs, net.JoinHostPort(host, strconv.Itoa(port)))
	}
	return addrs
}
