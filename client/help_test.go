package main

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// helpTopics are commands whose help shows every shape of argument:
// plain, optional, one-of, blocks, repeated, a subcommand.
var helpTopics = []string{"GET", "SET", "CONFIG GET", "client kill", "ZADD", "no-such-command"}

// TestGoldenHelp prints "help <command>" from the server's COMMAND DOCS
// in RESP2 and RESP3, compares it with testdata/help.golden, and with what
// redis-cli's help prints against the same server (without its colours)
// when redis-cli is installed.
func TestGoldenHelp(t *testing.T) {
	host, port := serverAddr(t)
	for _, proto := range []int{2, 3} {
		var out servertest.Buffer
		s := newSession(options{host: host, port: port, proto: proto, timeout: 5 * time.Second}, &out, &out)
		if err := s.connect(); err != nil {
			t.Fatal(err)
		}
		var tr strings.Builder
		for _, topic := range helpTopics {
			before := len(out.String())
			s.help(strings.Fields(topic))
			tr.WriteString("> help " + topic + "\n" + out.String()[before:])
		}
		s.c.close()
		cli, haveCli := redisCliHelp(t, host, port, proto)
		checkGolden(t, "help.golden", tr.String(), cli, haveCli)
	}
}

// redisCliHelp runs redis-cli's prompt in a pseudo-terminal, asks help on
// each topic and returns the transcript in golden form: colours and
// carriage returns removed; an unknown topic, for which redis-cli prints
// an empty line, shows this client's "No help" line.
func redisCliHelp(t *testing.T, host string, port, proto int) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("redis-cli"); err != nil {
		return "", false
	}
	cmd := exec.Command("redis-cli", "-h", host, "-p", strconv.Itoa(port), "-"+strconv.Itoa(proto))
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "TERM=dumb")
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 400})
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	tm := &terminal{changed: make(chan struct{}, 1)}
	go tm.collect(ptmx)
	prompt := host + ":" + strconv.Itoa(port) + "> "
	pos := tm.expect(t, 0, prompt)
	var tr strings.Builder
	ansi := regexp.MustCompile("\x1b\\[[0-9;]*m")
	for _, topic := range helpTopics {
		ptmx.WriteString("help " + topic + "\r")
		start := tm.expect(t, pos, "help "+topic+"\r\n")
		pos = tm.expect(t, start, prompt)
		text := ansi.ReplaceAllString(tm.text()[start:pos-len(prompt)], "")
		text = strings.ReplaceAll(text, "\r", "")
		if text == "\n" {
			text = "No help for '" + topic + "'\n"
		}
		tr.WriteString("> help " + topic + "\n" + text)
	}
	ptmx.WriteString("quit\r")
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("redis-cli did not exit after quit")
	}
	return tr.String(), true
}
