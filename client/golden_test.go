package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from this client's output")

// goldenSetup fills the server with one value of each type; the steps
// below only read, so every mode and protocol sees the same data.
const goldenSetup = `SET str "a\"b\r\n\x00\xff\xc3\xa9"
SET num 42
RPUSH list a b c d e f g h i j k l
HSET hash field value f2 "two words"
SADD ints 3 1 2
ZADD z 1.5 m 2 n inf top
`

// goldenSteps cover every reply type redis-cli formats, in redis-cli's
// input syntax (one command a line, as in piped mode). RESP3 booleans
// are left out: no Redis 7.0 command outside scripting replies with one.
var goldenSteps = []struct {
	kind string // the reply type it shows (in RESP3 where they differ)
	line string
}{
	{"simple string", "PING"},
	{"simple string", "SET tmp x"},
	{"error", "GET"},
	{"error", "LLEN str"},
	{"integer", "STRLEN str"},
	{"negative integer", "TTL str"},
	{"bulk string, escaped", "GET str"},
	{"bulk string", "GET num"},
	{"null", "GET missing"},
	{"empty array", "LRANGE missing 0 -1"},
	{"array, two-digit indexes", "LRANGE list 0 -1"},
	{"array with a null", "MGET num missing"},
	{"nested array", "SSCAN ints 0"},
	{"nested array (RESP3 pairs)", "ZRANGE z 0 -1 WITHSCORES"},
	{"map", "HGETALL hash"},
	{"empty map", "HGETALL missing"},
	{"set", "SMEMBERS ints"},
	{"empty set", "SMEMBERS missing"},
	{"double", "ZSCORE z m"},
	{"double inf", "ZSCORE z top"},
	{"double null", "ZSCORE z missing"},
	{"verbatim string", "INFO keyspace"},
}

// goldenModes are the output forms: formatted as on a terminal, and raw
// (the default when standard output is not a terminal).
var goldenModes = []struct{ name, flag string }{{"tty", "--no-raw"}, {"raw", "--raw"}}

// protocols are redis-cli's two protocols, by flag.
var protocols = []struct{ name, flag string }{{"resp2", "-2"}, {"resp3", "-3"}}

// checkGolden compares got with testdata/name (or rewrites it with
// -update), and with what redis-cli printed when it is installed.
func checkGolden(t *testing.T, name, got, cli string, haveCli bool) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./client -run Golden -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s: this client printed\n%s\nthe golden file holds\n%s", name, got, want)
	}
	if haveCli && cli != string(want) {
		t.Errorf("%s: redis-cli printed\n%s\nthe golden file holds\n%s", name, cli, want)
	}
}

// transcript is one-shot output in golden form: each command after a
// "$ " line, its output below.
type transcript struct{ b strings.Builder }

func (tr *transcript) add(args []string, out string) {
	tr.b.WriteString("$")
	for _, a := range args {
		tr.b.WriteString(" " + strconv.Quote(a))
	}
	tr.b.WriteString("\n" + out)
}

func TestGoldenOneShot(t *testing.T) {
	host, port := serverAddr(t)
	base := []string{"-h", host, "-p", strconv.Itoa(port)}
	if _, stderr, code := runClient(t, goldenSetup, base...); code != 0 {
		t.Fatalf("setup: exit %d, %s", code, stderr)
	}
	_, haveCli := redisCli(t, "", append(base, "PING")...)
	for _, proto := range protocols {
		for _, mode := range goldenModes {
			var ours, theirs transcript
			for _, st := range goldenSteps {
				args, err := resp.SplitArgs(st.line)
				if err != nil {
					t.Fatalf("%q: %v", st.line, err)
				}
				flags := []string{proto.flag, mode.flag}
				out, stderr, code := runClient(t, "", append(append(append([]string{}, base...), flags...), args...)...)
				if code != 0 || stderr != "" {
					t.Errorf("%s: exit %d, stderr %q", st.line, code, stderr)
				}
				ours.add(append(flags, args...), out)
				if haveCli {
					cli, _ := redisCli(t, "", append(append(append([]string{}, base...), flags...), args...)...)
					theirs.add(append(flags, args...), cli)
				}
			}
			name := "oneshot-" + proto.name + "-" + mode.name + ".golden"
			checkGolden(t, name, ours.b.String(), theirs.b.String(), haveCli)
		}
	}
}

func TestGoldenPipe(t *testing.T) {
	host, port := serverAddr(t)
	base := []string{"-h", host, "-p", strconv.Itoa(port)}
	var script strings.Builder
	for _, st := range goldenSteps {
		script.WriteString(st.line + "\n")
	}
	if _, stderr, code := runClient(t, goldenSetup, base...); code != 0 {
		t.Fatalf("setup: exit %d, %s", code, stderr)
	}
	_, haveCli := redisCli(t, "", append(base, "PING")...)
	for _, proto := range protocols {
		for _, mode := range goldenModes {
			args := append(append([]string{}, base...), proto.flag, mode.flag)
			out, stderr, code := runClient(t, script.String(), args...)
			if code != 0 || stderr != "" {
				t.Errorf("%s %s: exit %d, stderr %q", proto.flag, mode.flag, code, stderr)
			}
			cli, _ := redisCli(t, script.String(), args...)
			checkGolden(t, "pipe-"+proto.name+"-"+mode.name+".golden", out, cli, haveCli)
		}
	}
}

// TestGoldenSubscribe shows push messages (RESP3) and their RESP2
// arrays: SUBSCRIBE, one PUBLISH, then the server closes the connection
// (CLIENT KILL), which ends the client with status 1.
func TestGoldenSubscribe(t *testing.T) {
	host, port := serverAddr(t)
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	_, haveCli := redisCli(t, "", "-h", host, "-p", strconv.Itoa(port), "PING")
	for _, proto := range protocols {
		for _, mode := range goldenModes {
			args := []string{"-h", host, "-p", strconv.Itoa(port), proto.flag, mode.flag, "SUBSCRIBE", "news"}
			ours := subscribeOnce(t, addr, func(out *servertest.Buffer) func() int {
				done := make(chan int, 1)
				go func() {
					done <- run(append([]string{"gocache-cli"}, args...), env{stdin: strings.NewReader(""), stdout: out, stderr: &servertest.Buffer{}})
				}()
				return func() int { return <-done }
			})
			var cli string
			if haveCli {
				cli = subscribeOnce(t, addr, func(out *servertest.Buffer) func() int {
					cmd := exec.Command("redis-cli", args...)
					cmd.Stdout = out
					if err := cmd.Start(); err != nil {
						t.Fatal(err)
					}
					return func() int { cmd.Wait(); return cmd.ProcessState.ExitCode() }
				})
			}
			checkGolden(t, "subscribe-"+proto.name+"-"+mode.name+".golden", ours, cli, haveCli)
		}
	}
}

// subscribeOnce starts a subscriber with start, waits until it is
// subscribed, publishes one message, waits until it is printed, then
// kills the subscriber's connection and returns what it printed, with
// its exit status.
func subscribeOnce(t *testing.T, addr string, start func(out *servertest.Buffer) (wait func() int)) string {
	t.Helper()
	ctl, err := dial(addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.close()
	var out servertest.Buffer
	wait := start(&out)
	waitFor(t, "the subscriber", func() bool {
		v, err := ctl.do("PUBSUB", "NUMSUB", "news")
		return err == nil && len(v.Elems) == 2 && v.Elems[1].Int == 1
	})
	if _, err := ctl.do("PUBLISH", "news", "hello \"world\""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the message to be printed", func() bool { return strings.Count(out.String(), "news") >= 2 })
	if _, err := ctl.do("CLIENT", "KILL", "TYPE", "pubsub"); err != nil {
		t.Fatal(err)
	}
	exited := make(chan int, 1)
	go func() { exited <- wait() }()
	select {
	case code := <-exited:
		return out.String() + fmt.Sprintf("(exit status %d)\n", code)
	case <-time.After(10 * time.Second):
		t.Fatalf("the subscriber did not exit after its connection was killed; it printed %q", out.String())
		return ""
	}
}
