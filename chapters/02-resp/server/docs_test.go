package server_test

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestCommandDocsMatchRedis compares COMMAND DOCS of every command of
// this chapter's table with real Redis, in RESP2 and RESP3.
func TestCommandDocsMatchRedis(t *testing.T) {
	s := servertest.Start(t, nil)
	redisAddr := servertest.StartRedis(t)
	partial, extra := servertest.CompareCommandDocs(t, servertest.Addr(s), redisAddr)
	if len(extra) > 0 {
		t.Errorf("commands Redis does not have: %q", extra)
	}
	for name, missing := range partial {
		t.Logf("%s: gocache lists only its own subcommands; it lacks %s", name, strings.Join(missing, " "))
	}
}

// TestCommandDocsWithoutRedis checks the docs against what Redis 7.0
// says, for machines without redis-server.
func TestCommandDocsWithoutRedis(t *testing.T) {
	c := servertest.Dial(t, servertest.Addr(servertest.Start(t, nil)))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"COMMAND", "DOCS", "echo"}, "*2\r\n$4\r\necho\r\n*10\r\n$7\r\nsummary\r\n$21\r\nEcho the given string\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n"},
		{[]string{"COMMAND", "DOCS", "nosuch", "CONFIG|GET"}, "*2\r\n$10\r\nconfig|get\r\n*12\r\n$7\r\nsummary\r\n$42\r\nGet the values of configuration parameters\r\n"},
		{[]string{"COMMAND", "INFO", "config|get"}, "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n"},
		{[]string{"COMMAND", "INFO", "config|nosuch", "get|x", "config|get|x"}, "*3\r\n*-1\r\n*-1\r\n*-1\r\n"},
		{[]string{"COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*et"}, "*2\r\n$10\r\nconfig|get\r\n$10\r\nconfig|set\r\n"},
	} {
		got := c.Do(tc.args...)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q...", tc.args, got, tc.want)
		}
	}
}
