package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Settings are what both servers are started with, so that the two sides
// of a ratio do the same work.
type Settings struct {
	AppendOnly  bool
	AppendFsync string // always, everysec, no (used when AppendOnly)
	// Primary: a replica will sync from this server, at once: Redis's
	// repl-diskless-sync-delay (5 s by default, to wait for more
	// replicas) is 0.
	Primary bool
}

// Server is a running gocache or redis-server child process, listening on
// 127.0.0.1:Port and working in its own temporary directory (the AOF goes
// there).
type Server struct {
	Name string // "gocache" or "redis"
	Port int
	Dir  string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{} // closed when the process has exited
	err  error         // the process's exit status, valid after done
}

// Binary is a built gocache program and the command-line flags it
// accepts: chapter programs have fewer flags than final/, and an unknown
// flag would stop them at start.
type Binary struct {
	Path  string
	Flags map[string]bool // "maxclients" for --maxclients
}

// startServer launches one server on a free port and waits until it
// answers PING. gocache is the built gocache binary; for name "redis" it
// is not used.
func startServer(ctx context.Context, name string, gocache Binary, s Settings) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "gocache-bench-"+name+"-")
	if err != nil {
		return nil, err
	}
	var cmd *exec.Cmd
	switch name {
	case "redis":
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--dir", dir, "--daemonize", "no",
			// 10,000 idle connections must fit; Redis lowers this to what
			// RLIMIT_NOFILE allows and says so in its log.
			"--maxclients", "20000",
			"--appendonly", yesno(s.AppendOnly)}
		if s.AppendOnly {
			args = append(args, "--appendfsync", s.AppendFsync)
		}
		if s.Primary {
			args = append(args, "--repl-diskless-sync-delay", "0")
		}
		cmd = exec.Command("redis-server", args...)
	case "gocache":
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1"}
		if gocache.Flags["maxclients"] {
			args = append(args, "--maxclients", "20000")
		}
		if gocache.Flags["save"] { // no RDB snapshot in the middle of a run, as for Redis
			args = append(args, "--save", "")
		}
		if s.AppendOnly {
			args = append(args, "--appendonly", "yes", "--appendfsync", s.AppendFsync)
		}
		if s.Primary && gocache.Flags["repl-diskless-sync-delay"] {
			args = append(args, "--repl-diskless-sync-delay", "0")
		}
		cmd = exec.Command(gocache.Path, args...)
	default:
		return nil, fmt.Errorf("unknown server %q", name)
	}
	// gocache's default --dir is ".", so the working directory is where
	// its AOF goes, without relying on a --dir flag.
	cmd.Dir = dir
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	srv := &Server{Name: name, Port: port, Dir: dir, cmd: cmd, log: logf, done: make(chan struct{})}
	go func() {
		srv.err = cmd.Wait()
		close(srv.done)
	}()
	if err := srv.waitReady(ctx, 15*time.Second); err != nil {
		srv.Stop()
		return nil, err
	}
	return srv, nil
}

// Pid is the server's process id, for /proc.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// waitReady polls until the server answers PING with +PONG, the process
// dies, or the deadline passes.
func (s *Server) waitReady(ctx context.Context, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		select {
		case <-s.done:
			return fmt.Errorf("%s exited before answering PING (%v): %s", s.Name, s.err, s.logTail())
		default:
		}
		if err := ping(s.Port); err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s did not answer PING within %v: %s", s.Name, d, s.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ping sends one PING and expects +PONG.
func ping(port int) error {
	reply, err := roundTrip(port, "*1\r\n$4\r\nPING\r\n")
	if err != nil {
		return err
	}
	if reply != "+PONG" {
		return fmt.Errorf("PING answered %q", reply)
	}
	return nil
}

// roundTrip sends one raw RESP request and returns the first reply line
// without its CRLF.
func roundTrip(port int, req string) (string, error) {
	c, err := net.DialTimeout("tcp", addr(port), time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(req)); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), err
}

func addr(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// Stop asks the server to exit (SIGTERM, as a supervisor would), kills it
// if it has not within 10 s, and removes its directory.
func (s *Server) Stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
	os.RemoveAll(s.Dir)
}

// logTail is the end of the server's log, for error messages.
func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.log.Name())
	b = bytes.TrimSpace(b)
	if len(b) > 600 {
		b = b[len(b)-600:]
	}
	if len(b) == 0 {
		return "(empty log)"
	}
	return string(b)
}

// freePort asks the kernel for an unused port on 127.0.0.1. Another
// process could take it before the server binds it; startServer then
// fails with the server's own message, which is rare enough to not retry.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// buildGocache compiles the gocache package once into dir, so every
// round runs the same binary and no round pays for `go run`'s compile,
// and reads the flags it accepts from its --help.
func buildGocache(ctx context.Context, pkg, dir string) (Binary, error) {
	bin := Binary{Path: filepath.Join(dir, "gocache")}
	bctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(bctx, "go", "build", "-o", bin.Path, pkg).CombinedOutput()
	if err != nil {
		return bin, fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	help, _ := exec.CommandContext(hctx, bin.Path, "--help").CombinedOutput()
	bin.Flags = helpFlags(string(help))
	return bin, nil
}

// helpFlags picks the long flag names out of a --help text: every word
// that starts with "--" at the start of a line (after indentation).
func helpFlags(help string) map[string]bool {
	flags := map[string]bool{}
	for _, line := range strings.Split(help, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.HasPrefix(f[0], "--") {
			flags[strings.TrimSuffix(strings.TrimPrefix(f[0], "--"), ",")] = true
		}
	}
	return flags
}

// pair starts gocache and redis-server with the same settings. On error
// nothing is left running.
func pair(ctx context.Context, gocache Binary, s Settings) (g, r *Server, err error) {
	g, err = startServer(ctx, "gocache", gocache, s)
	if err != nil {
		return nil, nil, err
	}
	r, err = startServer(ctx, "redis", Binary{}, s)
	if err != nil {
		g.Stop()
		return nil, nil, err
	}
	return g, r, nil
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
