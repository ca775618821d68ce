package main

import (
	"strings"
	"testing"
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
	log := sameReplies(t, cmds, func(cmd []string, reply string) string {
		if cmd[0] == "HELLO" {
			return "(hello)" // the server's name and version differ
		}
		return reply
	})
	if !strings.Contains(log, "+REWRITE\r\n") || !strings.Contains(log, "+GETKEYSANDFLAGS <full-command>\r\n") {
		t.Errorf("gocache's help lacks lines:\n%s", log)
	}
}
