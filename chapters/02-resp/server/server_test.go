package server_test

import (
	"context"
	"math/rand"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// helloID matches the client id in a HELLO reply, the one field that
// differs between two servers.
var helloID = regexp.MustCompile(`\$2\r\nid\r\n:\d+\r\n`)

func maskID(s string) string { return helloID.ReplaceAllString(s, "$$2\r\nid\r\n:N\r\n") }

func TestRepliesMatchRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, nil)
	tests := []struct {
		name string
		raw  string // bytes sent
		n    int    // replies expected
	}{
		{"ping", "PING\r\n", 1},
		{"ping message", "*2\r\n$4\r\nPING\r\n$5\r\nhello\r\n", 1},
		{"ping too many", "PING a b\r\n", 1},
		{"echo", "*2\r\n$4\r\nECHO\r\n$3\r\na\r\nb\r\n", 1},
		{"echo empty", "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", 1},
		{"echo no args", "ECHO\r\n", 1},
		{"echo binary", "*2\r\n$4\r\necho\r\n$3\r\n\x00\xff\n\r\n", 1},
		{"mixed case", "pInG\r\n", 1},
		{"unknown", "FOO a b\r\n", 1},
		{"unknown long args", "FOO " + strings.Repeat("x", 200) + " y\r\n", 1},
		{"unknown newline in name", "*1\r\n$5\r\nA\r\nBC\r\n", 1},
		{"hello 2", "HELLO 2\r\n", 1},
		{"hello 3", "HELLO 3\r\n", 1},
		{"hello 3 then ping", "HELLO 3\r\nPING x\r\n", 2},
		{"hello 4", "HELLO 4\r\n", 1},
		{"hello 1", "HELLO 1\r\n", 1},
		{"hello not a number", "HELLO abc\r\n", 1},
		{"hello bad option", "HELLO 3 foo\r\n", 1},
		{"hello setname missing", "HELLO 2 SETNAME\r\n", 1},
		{"hello setname bad", "*4\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$7\r\nSETNAME\r\n$3\r\na b\r\n", 1},
		{"hello setname", "HELLO 3 SETNAME app\r\n", 1},
		{"hello auth default nopass", "HELLO 3 AUTH default anything\r\n", 1},
		{"hello auth wrong user", "HELLO 3 AUTH bob pw\r\n", 1},
		{"auth without password", "AUTH x\r\n", 1},
		{"empty commands ignored", "*0\r\n*-1\r\n\r\nPING\r\n", 1},
		{"inline quotes", "ECHO \"a\\x41\\n\"\r\n", 1},
		{"inline single quotes", "ECHO 'it''s'\r\n", 1},
		{"pipelined", strings.Repeat("PING\r\n", 50), 50},
		{"config get none", "CONFIG GET nosuchoption\r\n", 1},
		{"config unknown subcommand", "CONFIG FOO\r\n", 1},
		{"config get arity", "CONFIG GET\r\n", 1},
		{"command unknown subcommand", "COMMAND FOO\r\n", 1},
		{"info unknown section", "INFO nosuch\r\n", 1},
		{"hello plus sign", "HELLO +3\r\n", 1},
		{"hello leading zero", "HELLO 03\r\n", 1},
		{"hello bad name before auth", "*7\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$7\r\nSETNAME\r\n$3\r\na b\r\n$4\r\nAUTH\r\n$3\r\nbob\r\n$2\r\npw\r\n", 1},
		{"unknown with NUL", "*3\r\n$3\r\nF\x00O\r\n$3\r\na\x00b\r\n$1\r\nc\r\n", 1},
		{"quit", "QUIT\r\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, r := servertest.Dial(t, servertest.Addr(s)), servertest.Dial(t, redisAddr)
			g.Send(tt.raw)
			r.Send(tt.raw)
			for i := 0; i < tt.n; i++ {
				got, want := maskID(g.ReadRaw()), maskID(r.ReadRaw())
				if got != want {
					t.Errorf("reply %d to %q:\n gocache: %q\n   redis: %q", i, tt.raw, got, want)
				}
			}
		})
	}
}

// A protocol error is answered with Redis's text, then the connection is
// closed, on both servers.
func TestProtocolErrorsMatchRedisAndClose(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, nil)
	inputs := []string{
		"*1\r\n$99999999999\r\n",
		"*1\r\n$-5\r\n",
		"*1\r\n$abc\r\n",
		"*abc\r\n",
		"*1\r\n+PING\r\n",
		"*3000000000\r\n",
		"ECHO \"unbalanced\r\n",
		"PING\r\n*1\r\n$x\r\n",
	}
	for _, in := range inputs {
		g, r := servertest.Dial(t, servertest.Addr(s)), servertest.Dial(t, redisAddr)
		g.Send(in)
		r.Send(in)
		if got, want := g.ReadEOF(), r.ReadEOF(); got != want {
			t.Errorf("%q:\n gocache: %q\n   redis: %q", in, got, want)
		}
	}
}

func TestByteAtATime(t *testing.T) {
	s := servertest.Start(t, nil)
	c := servertest.Dial(t, servertest.Addr(s))
	msg := "*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\nPING\r\n"
	for i := 0; i < len(msg); i++ {
		c.Send(msg[i : i+1])
	}
	if got := c.ReadRaw(); got != "$11\r\nhello world\r\n" {
		t.Fatalf("ECHO fed byte by byte: %q", got)
	}
	if got := c.ReadRaw(); got != "+PONG\r\n" {
		t.Fatalf("inline PING fed byte by byte: %q", got)
	}
}

func TestHundredPipelinedCommandsInOneWrite(t *testing.T) {
	s := servertest.Start(t, nil)
	c := servertest.Dial(t, servertest.Addr(s))
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString(string(servertest.Command("ECHO", strings.Repeat("x", i))))
	}
	c.Send(b.String())
	for i := 0; i < 100; i++ {
		want := "$" + strconv.Itoa(i) + "\r\n" + strings.Repeat("x", i) + "\r\n"
		if got := c.ReadRaw(); got != want {
			t.Fatalf("reply %d: %q, want %q", i, got, want)
		}
	}
}

func TestGoRedisClient(t *testing.T) {
	s := servertest.Start(t, nil)
	for _, proto := range []int{2, 3} {
		rdb := redis.NewClient(&redis.Options{Addr: servertest.Addr(s), Protocol: proto})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if got, err := rdb.Ping(ctx).Result(); err != nil || got != "PONG" {
			t.Errorf("RESP%d PING: %q, %v", proto, got, err)
		}
		if got, err := rdb.Echo(ctx, "a\r\nb\x00").Result(); err != nil || got != "a\r\nb\x00" {
			t.Errorf("RESP%d ECHO: %q, %v", proto, got, err)
		}
		if err := rdb.Do(ctx, "NOSUCH").Err(); err == nil || !strings.HasPrefix(err.Error(), "ERR unknown command 'NOSUCH'") {
			t.Errorf("RESP%d unknown command error: %v", proto, err)
		}
		cancel()
		rdb.Close()
	}
}

// redis-cli, scripted through its standard input, prints the same lines
// for gocache as for Redis (but for the client id).
func TestRedisCli(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed: skipping (apt-get install redis-tools)")
	}
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, nil)
	run := func(addr string) string {
		host, port, _ := net.SplitHostPort(addr)
		cmd := exec.Command(cli, "-h", host, "-p", port)
		cmd.Stdin = strings.NewReader("PING\nECHO \"hi there\"\nHELLO 3\nPING\nNOSUCH a\n")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli: %v\n%s", err, out)
		}
		return regexp.MustCompile(`(?m)^id \d+$`).ReplaceAllString(string(out), "id N")
	}
	got, want := run(servertest.Addr(s)), run(redisAddr)
	if got != want {
		t.Fatalf("redis-cli output differs:\n gocache:\n%s\n   redis:\n%s", got, want)
	}
	if !strings.HasPrefix(got, "PONG\nhi there\n") {
		t.Fatalf("unexpected redis-cli output:\n%s", got)
	}
}

// Hostile and slow clients must not crash the server or delay others: a
// client that sends half a command, one that never reads its replies, and
// one that sends random bytes, while a well-behaved client keeps getting
// answers quickly.
func TestBadClientsDoNotDelayOthers(t *testing.T) {
	s := servertest.Start(t, nil)
	addr := servertest.Addr(s)

	half := servertest.Dial(t, addr)
	half.Send("*2\r\n$4\r\nECHO\r\n$100\r\nonly part")

	noRead, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer noRead.Close()
	stop := make(chan struct{})
	go func() {
		chunk := []byte(strings.Repeat("PING\r\n", 10000))
		for {
			select {
			case <-stop:
				return
			default:
			}
			noRead.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			noRead.Write(chunk)
		}
	}()
	defer close(stop)

	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		junk := make([]byte, 1+rng.Intn(2000))
		rng.Read(junk)
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Write(junk)
		c.Close()
	}
	for _, in := range []string{"*-5\r\n", "$-5\r\n", "*0\r\n", "$99999999999\r\n"} {
		c := servertest.Dial(t, addr)
		c.Send(in)
	}

	good := servertest.Dial(t, addr)
	for i := 0; i < 50; i++ {
		start := time.Now()
		if got := good.Do("PING"); got != "+PONG\r\n" {
			t.Fatalf("PING: %q", got)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("PING took %v while bad clients were connected", d)
		}
	}
}

func TestMaxClientsAdmit(t *testing.T) {
	s := servertest.Start(t, func(s *server.Server) {
		s.UseAdmission(admitFunc(func(c *server.Client) string {
			if s.ClientCount() > 1 {
				return "ERR max number of clients reached"
			}
			return ""
		}))
	})
	first := servertest.Dial(t, servertest.Addr(s))
	if got := first.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("first client: %q", got)
	}
	second := servertest.Dial(t, servertest.Addr(s))
	if got := second.ReadEOF(); got != "-ERR max number of clients reached\r\n" {
		t.Fatalf("second client: %q", got)
	}
}

// With a password set, Redis applies its tight pre-AUTH limits only until
// AUTH succeeds, even for commands pipelined behind AUTH in the same write.
func TestPipelinedAfterAuthUsesNormalLimits(t *testing.T) {
	redisAddr := servertest.StartRedis(t, "--requirepass", "pw")
	s := servertest.Start(t, func(s *server.Server) { s.RequirePass = "pw" })
	p := servertest.DialPair(t, servertest.Addr(s), redisAddr)
	long := string(servertest.Command("PING", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"))
	p.SameRaw("ECHO x\r\nNOSUCH\r\nAUTH pw\r\n"+long+"PING\r\n", 5)
}

// admitFunc is a server.Admission made of a function.
type admitFunc func(c *server.Client) string

func (f admitFunc) Admit(c *server.Client) string { return f(c) }
