// Package servertest starts servers for wire tests, the way net/http/httptest
// does for HTTP: a gocache server in the test process on a free port, and
// a real redis-server to compare it with (the oracle), skipped with a clear
// message where Redis is not installed.
package servertest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"

	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Start runs a gocache server on a free 127.0.0.1 port; setup registers
// what the test needs (nil: the connection commands only). The server stops
// when the test ends.
func Start(t testing.TB, setup func(s *server.Server)) *server.Server {
	t.Helper()
	log := logrus.New()
	log.SetOutput(io.Discard)
	s, err := server.New(server.Options{Listen: []string{"127.0.0.1:0"}, Log: log})
	if err != nil {
		t.Fatalf("start gocache: %v", err)
	}
	if setup != nil {
		setup(s)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run() }()
	t.Cleanup(func() {
		s.Stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("server did not stop within 10s")
		}
	})
	return s
}

// Addr is the address a server started by Start listens on.
func Addr(s *server.Server) string { return s.Addrs()[0] }

// RedisPath is the redis-server binary, or "" when none is installed.
func RedisPath() string {
	p, err := exec.LookPath("redis-server")
	if err != nil {
		return ""
	}
	return p
}

// StartRedis runs a real redis-server (no persistence) on a free port with
// extra config arguments such as "--appendonly", "yes", and returns its
// address. The test is skipped when redis-server is not installed.
func StartRedis(t testing.TB, args ...string) string {
	t.Helper()
	bin := RedisPath()
	if bin == "" {
		t.Skip("redis-server not installed: skipping the comparison with real Redis (apt-get install redis-server)")
	}
	dir := t.TempDir()
	port := FreePort(t)
	all := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--logfile", filepath.Join(dir, "redis.log")}, args...)
	cmd := exec.Command(bin, all...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	WaitPing(t, addr, 10*time.Second)
	return addr
}

// FreePort asks the kernel for a free TCP port on 127.0.0.1.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitPing polls addr with PING until it answers (+PONG, or NOAUTH from a
// server with a password) or the deadline
// passes.
func WaitPing(t testing.TB, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !pingOnce(addr) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer PING within %v", addr, within)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for a condition
	}
}

// pingOnce reports whether addr answers one PING (+PONG, or NOAUTH).
func pingOnce(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	conn.Write([]byte("PING\r\n"))
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && (line == "+PONG\r\n" || strings.HasPrefix(line, "-NOAUTH"))
}

// Conn is a raw RESP connection for byte-exact tests.
type Conn struct {
	t    testing.TB
	conn net.Conn
	br   *bufio.Reader
}

// Dial connects to addr.
func Dial(t testing.TB, addr string) *Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &Conn{t: t, conn: conn, br: bufio.NewReader(conn)}
}

// Send writes raw bytes.
func (c *Conn) Send(raw string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c.conn, raw); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// Do sends one command as a RESP array and returns the raw bytes of its reply.
func (c *Conn) Do(args ...string) string {
	c.t.Helper()
	c.Send(string(Command(args...)))
	return c.ReadRaw()
}

// Command encodes args as a RESP array.
func Command(args ...string) []byte {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	return resp.AppendCommand(nil, bs...)
}

// ReadRaw reads exactly one reply and returns its bytes as sent.
func (c *Conn) ReadRaw() string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var raw bytes.Buffer
	if err := copyValue(c.br, &raw, 0); err != nil {
		c.t.Fatalf("read reply: %v (so far %q)", err, raw.String())
	}
	return raw.String()
}

// ReadEOF asserts that the server closes the connection (after any bytes
// still to come, which it returns).
func (c *Conn) ReadEOF() string {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	rest, err := io.ReadAll(c.br)
	if err != nil {
		c.t.Fatalf("expected the server to close the connection: %v", err)
	}
	return string(rest)
}

// copyValue copies one RESP value's bytes from br to out, recursing into
// aggregates, so tests can compare replies byte for byte.
func copyValue(br *bufio.Reader, out *bytes.Buffer, depth int) error {
	if depth > 64 {
		return fmt.Errorf("reply nested too deep")
	}
	line, err := br.ReadString('\n')
	if err != nil {
		return err
	}
	out.WriteString(line)
	if len(line) < 3 {
		return fmt.Errorf("short line %q", line)
	}
	body := strings.TrimSuffix(line[1:], "\r\n")
	switch line[0] {
	case '$', '=', '!':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return err
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(br, buf); err != nil {
			return err
		}
		out.Write(buf)
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return err
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if err := copyValue(br, out, depth+1); err != nil {
				return err
			}
		}
		if line[0] == '|' { // an attribute precedes the real value
			return copyValue(br, out, depth+1)
		}
	}
	return nil
}

// Pair is a gocache connection and a Redis connection that receive the
// same bytes, for differential tests.
type Pair struct {
	Go, Redis *Conn
}

// DialPair connects to both servers.
func DialPair(t testing.TB, gocacheAddr, redisAddr string) *Pair {
	return &Pair{Go: Dial(t, gocacheAddr), Redis: Dial(t, redisAddr)}
}

// Same sends a command to both and fails the test unless the replies are
// identical bytes. It returns the reply.
func (p *Pair) Same(args ...string) string {
	p.Go.t.Helper()
	got, want := p.Go.Do(args...), p.Redis.Do(args...)
	if got != want {
		p.Go.t.Errorf("%q:\n gocache: %q\n   redis: %q", args, got, want)
	}
	return got
}

// SameRaw sends raw bytes to both and compares the next n replies.
func (p *Pair) SameRaw(raw string, n int) {
	p.Go.t.Helper()
	p.Go.Send(raw)
	p.Redis.Send(raw)
	for i := 0; i < n; i++ {
		got, want := p.Go.ReadRaw(), p.Redis.ReadRaw()
		if got != want {
			p.Go.t.Errorf("%q reply %d:\n gocache: %q\n   redis: %q", raw, i, got, want)
		}
	}
}

// Hello switches both connections to RESP protocol proto ("2" or "3")
// without comparing the replies, which differ in the client id.
func (p *Pair) Hello(proto string) {
	p.Go.t.Helper()
	p.Go.Do("HELLO", proto)
	p.Redis.Do("HELLO", proto)
}

// SameSequences runs each command sequence on both servers in RESP2 and
// then in RESP3, each time from empty databases (FLUSHALL), and fails the
// test wherever the replies differ by a byte.
func (p *Pair) SameSequences(seqs [][][]string) {
	p.Go.t.Helper()
	for _, cmds := range seqs {
		for _, proto := range []string{"2", "3"} {
			p.Hello(proto)
			p.Same("FLUSHALL")
			for _, cmd := range cmds {
				p.Same(cmd...)
			}
		}
	}
}

// Text is a reply as redis-cli shows a simple one, for tests that compare
// values: the string, the integer, "(nil)", or "(error) " and the message.
func Text(v resp.Value) string {
	switch {
	case v.Null:
		return "(nil)"
	case v.Kind == resp.KindError:
		return "(error) " + string(v.Str)
	case v.Kind == resp.KindInt:
		return strconv.FormatInt(v.Int, 10)
	}
	return string(v.Str)
}

// CompareCommandDocs checks COMMAND DOCS for every command and subcommand
// gocache lists (COMMAND LIST) against real Redis, in RESP2 and RESP3, byte
// for byte. Redis lists a container's subcommands in the order of a hash
// table seeded at random on every start, so its reply is compared with
// them sorted by name, as gocache lists them. For a container of which one
// side has subcommands the other lacks, both replies are cut to the
// subcommands they share. It returns the containers gocache has only in
// part, each with the subcommands it lacks, and the commands and
// subcommands Redis does not have.
func CompareCommandDocs(t testing.TB, gocacheAddr, redisAddr string) (partial map[string][]string, extra []string) {
	t.Helper()
	p := DialPair(t, gocacheAddr, redisAddr)
	ours, theirs := commandNames(t, p.Go), commandNames(t, p.Redis)
	partial = map[string][]string{}
	for _, proto := range []string{"2", "3"} {
		p.Hello(proto)
		for _, name := range ours {
			got, want := p.Go.Do("COMMAND", "DOCS", name), p.Redis.Do("COMMAND", "DOCS", name)
			if !theirs.has(name) {
				if proto == "2" {
					extra = append(extra, name)
				}
				continue
			}
			if strings.Contains(want, "subcommands") {
				var missing, added []string
				want, missing = filterSubcommands(t, want, proto, ours.has)
				if added = ours.subcommandsNotIn(name, theirs); len(added) > 0 {
					got, _ = filterSubcommands(t, got, proto, theirs.has)
				}
				if len(missing) > 0 && proto == "2" {
					partial[name] = missing
				}
			}
			if got != want {
				t.Errorf("RESP%s COMMAND DOCS %s:\n gocache: %q\n   redis: %q", proto, name, got, want)
			}
		}
	}
	return partial, extra
}

// names is a COMMAND LIST reply: full names, subcommands included.
type names []string

func commandNames(t testing.TB, c *Conn) names {
	t.Helper()
	list, _, err := resp.ParseValue([]byte(c.Do("COMMAND", "LIST")))
	if err != nil || len(list.Elems) == 0 {
		t.Fatalf("COMMAND LIST: %v %q", err, list.Kind)
	}
	out := make(names, 0, len(list.Elems))
	for _, e := range list.Elems {
		out = append(out, string(e.Str))
	}
	return out
}

func (ns names) has(name string) bool {
	for _, n := range ns {
		if n == name {
			return true
		}
	}
	return false
}

// subcommandsNotIn lists the subcommands of container in ns that other
// lacks.
func (ns names) subcommandsNotIn(container string, other names) []string {
	var out []string
	for _, n := range ns {
		if strings.HasPrefix(n, container+"|") && !other.has(n) {
			out = append(out, n)
		}
	}
	return out
}

// filterSubcommands re-encodes a COMMAND DOCS reply with each container's
// subcommands sorted by name and cut to those keep accepts, and returns
// the ones it cut.
func filterSubcommands(t testing.TB, raw, proto string, keep func(string) bool) (string, []string) {
	t.Helper()
	v, _, err := resp.ParseValue([]byte(raw))
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	var cut []string
	for i := 1; i < len(v.Elems); i += 2 {
		doc := &v.Elems[i]
		for j := 0; j+1 < len(doc.Elems); j += 2 {
			if string(doc.Elems[j].Str) != "subcommands" {
				continue
			}
			subs := doc.Elems[j+1]
			type pair struct{ k, v resp.Value }
			var kept []pair
			for k := 0; k+1 < len(subs.Elems); k += 2 {
				name := string(subs.Elems[k].Str)
				if !keep(name) {
					cut = append(cut, name)
					continue
				}
				kept = append(kept, pair{subs.Elems[k], subs.Elems[k+1]})
			}
			sort.Slice(kept, func(a, b int) bool { return string(kept[a].k.Str) < string(kept[b].k.Str) })
			subs.Elems = make([]resp.Value, 0, 2*len(kept))
			for _, kv := range kept {
				subs.Elems = append(subs.Elems, kv.k, kv.v)
			}
			doc.Elems[j+1] = subs
		}
	}
	sort.Strings(cut)
	w := resp.Writer{Proto: 2}
	if proto == "3" {
		w.Proto = 3
	}
	w.Value(v)
	return string(w.B), cut
}
