package main

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestHelpLikeRedis: COMMAND HELP and CONFIG HELP, their rows in COMMAND
// INFO and COMMAND DOCS, and their errors, byte for byte as redis-server
// 7.0 answers them, in RESP2 and RESP3. The final server's CONFIG HELP
// names REWRITE, which its configuration file adds.
func TestHelpLikeRedis(t *testing.T) {
	cmds := [][]string{
		{"COMMAND", "HELP"},
		{"command", "help"},
		{"COMMAND", "HELP", "x"},
		{"CONFIG", "HELP"},
		{"CONFIG", "HELP", "x"},
		{"COMMAND", "INFO", "command|help", "config|help"},
		{"COMMAND", "DOCS", "command|help", "config|help"},
		{"HELLO", "3"},
		{"COMMAND", "HELP"},
		{"CONFIG", "HELP"},
	}
	var logs []string
	for _, tg := range targets(t) {
		c := servertest.Dial(t, tg.addr)
		var b strings.Builder
		for _, cmd := range cmds {
			reply := c.Do(cmd...)
			if cmd[0] == "HELLO" {
				reply = "(hello)" // the server's name and version differ
			}
			b.WriteString(strings.Join(cmd, " ") + " -> " + reply + "\n")
		}
		logs = append(logs, b.String())
	}
	if !strings.Contains(logs[0], "+REWRITE\r\n") || !strings.Contains(logs[0], "+GETKEYSANDFLAGS <full-command>\r\n") {
		t.Errorf("gocache's help lacks lines:\n%s", logs[0])
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
}
