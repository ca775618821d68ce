// Command client is gocache-cli, a small redis-cli: one-shot commands,
// commands piped on standard input, or an interactive prompt, with replies
// printed exactly as redis-cli prints them.
//
//	go run ./client SET greeting hello   # a chapter's server, on 6380
//	go run ./client -p 6379 PING         # the final server, on 6379
//	printf 'SET a 1\nGET a\n' | go run ./client
//	go run ./client            # interactive prompt
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/chzyer/readline"
	"github.com/urfave/cli/v2"
)

const usage = `gocache-cli: a small redis-cli

Usage: gocache-cli [OPTIONS] [cmd [arg [arg ...]]]
  -h <hostname>      Server hostname (default: 127.0.0.1).
  -p <port>          Server port (default: 6380, the course's port;
                     the final server, like Redis, listens on 6379).
  -a <password>      Password to use when connecting to the server
                     (or the REDISCLI_AUTH environment variable).
  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
  -n <db>            Database number.
  -2                 Start session in RESP2 protocol mode (the default).
  -3                 Start session in RESP3 protocol mode (HELLO 3).
  -r <repeat>        Execute specified command N times (-1: forever).
  -i <interval>      When -r is used, waits <interval> seconds per command.
  -t <timeout>       Connection timeout in seconds (decimals allowed).
  -e                 Return exit error code when command execution fails.
  --raw              Use raw formatting for replies (default when STDOUT is
                     not a tty).
  --no-raw           Force formatted output even when STDOUT is not a tty.
  --show-pushes <yn> Whether to print RESP3 PUSH messages. Enabled by default
                     when STDOUT is a tty.
  --no-auth-warning  Don't show the warning about -a on the command line.
  --help             Output this help and exit.

With a command, run it and print the reply. Without one, read commands
from STDIN one per line when it is not a tty, else open a prompt.
`

// env is the process's outside world, passed in so that tests can run
// the whole client in-process.
type env struct {
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	stdinTTY  bool
	stdoutTTY bool
}

func main() {
	os.Exit(run(os.Args, env{
		stdin:     os.Stdin,
		stdout:    os.Stdout,
		stderr:    os.Stderr,
		stdinTTY:  readline.IsTerminal(int(os.Stdin.Fd())),
		stdoutTTY: readline.IsTerminal(int(os.Stdout.Fd())),
	}))
}

// run parses the flags and picks the mode; it returns the exit code.
func run(args []string, e env) int {
	code := 0
	app := &cli.App{
		Name:     "gocache-cli",
		HideHelp: true, // -h is the host, as in redis-cli; --help is ours
		// urfave/cli still answers --help itself, with this text.
		CustomAppHelpTemplate: usage,
		Writer:                e.stdout,
		ErrWriter:             e.stderr,
		Flags:                 flags(),
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			fmt.Fprintf(e.stderr, "Error: %v\nTry 'gocache-cli --help' for more information.\n", err)
			code = 1
			return nil
		},
		Action: func(c *cli.Context) error {
			code = action(c, e)
			return nil
		},
	}
	if err := app.Run(args); err != nil {
		fmt.Fprintln(e.stderr, "Error:", err)
		return 1
	}
	return code
}

func flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "h", Value: "127.0.0.1"},
		&cli.IntFlag{Name: "p", Value: 6380},
		&cli.StringFlag{Name: "a", EnvVars: []string{"REDISCLI_AUTH"}},
		&cli.StringFlag{Name: "user"},
		&cli.IntFlag{Name: "n"},
		&cli.BoolFlag{Name: "2"},
		&cli.BoolFlag{Name: "3"},
		&cli.IntFlag{Name: "r", Value: 1},
		&cli.Float64Flag{Name: "i"},
		&cli.Float64Flag{Name: "t"},
		&cli.BoolFlag{Name: "e"},
		&cli.BoolFlag{Name: "raw"},
		&cli.BoolFlag{Name: "no-raw"},
		&cli.StringFlag{Name: "show-pushes"},
		&cli.BoolFlag{Name: "no-auth-warning"},
		&cli.BoolFlag{Name: "help"},
	}
}

func action(c *cli.Context, e env) int {
	if c.Bool("help") {
		io.WriteString(e.stdout, usage)
		return 0
	}
	opt := options{
		host:        c.String("h"),
		port:        c.Int("p"),
		user:        c.String("user"),
		password:    c.String("a"),
		db:          c.Int("n"),
		proto:       2,
		raw:         !e.stdoutTTY,
		repeat:      c.Int("r"),
		interval:    seconds(c.Float64("i")),
		timeout:     seconds(c.Float64("t")),
		exitOnError: c.Bool("e"),
		showPushes:  e.stdoutTTY,
	}
	if c.Bool("3") {
		opt.proto = 3
	}
	switch {
	case c.Bool("raw"):
		opt.raw = true
	case c.Bool("no-raw"):
		opt.raw = false
	}
	switch c.String("show-pushes") {
	case "yes", "y":
		opt.showPushes = true
	case "no", "n":
		opt.showPushes = false
	}
	if c.IsSet("a") && os.Getenv("REDISCLI_AUTH") != opt.password && !c.Bool("no-auth-warning") {
		fmt.Fprintln(e.stderr, "Warning: Using a password with '-a' option on the command line interface may not be safe.")
	}
	s := newSession(opt, e.stdout, e.stderr)
	switch {
	case c.NArg() > 0:
		return s.oneShot(c.Args().Slice())
	case !e.stdinTTY:
		return s.pipe(e.stdin)
	default:
		return s.repl()
	}
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
