package main

import (
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestStandaloneLikeRedis: the cluster and module commands answer as a
// standalone redis-server 7.0 with its defaults, COMMAND INFO included.
func TestStandaloneLikeRedis(t *testing.T) {
	cmds := [][]string{
		{"CLUSTER"}, {"CLUSTER", "NOSUCH"}, {"CLUSTER", "INFO"}, {"CLUSTER", "INFO", "x"},
		{"CLUSTER", "SLOTS"}, {"CLUSTER", "SHARDS"}, {"CLUSTER", "NODES"}, {"CLUSTER", "KEYSLOT", "foo"},
		{"CLUSTER", "HELP"}, {"CLUSTER", "MYID"}, {"CLUSTER", "SETSLOT", "1", "NODE", "x"},
		{"READONLY"}, {"READWRITE"}, {"ASKING"}, {"READONLY", "x"},
		{"MODULE"}, {"MODULE", "LIST"}, {"MODULE", "LIST", "x"}, {"MODULE", "HELP"}, {"MODULE", "NOSUCH"},
		{"MODULE", "LOAD", "/x.so"}, {"MODULE", "LOADEX", "/x.so"}, {"MODULE", "UNLOAD", "x"},
		{"COMMAND", "INFO", "readonly", "readwrite", "asking", "cluster|info", "cluster|setslot", "module|list", "module|load"},
	}
	var logs []string
	for _, tg := range targets(t) {
		c := servertest.Dial(t, tg.addr)
		var b strings.Builder
		for _, cmd := range cmds {
			b.WriteString(strings.Join(cmd, " ") + " -> " + c.Do(cmd...) + "\n")
		}
		logs = append(logs, b.String())
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
}

// TestCommandGetKeysLikeRedis: COMMAND GETKEYS and GETKEYSANDFLAGS find
// keys as Redis does, from its key specs (index, keyword, range, keynum)
// or the command's own rules (SET's GET, SORT's STORE), and COMMAND INFO
// shows Redis's categories, tips and key specs.
func TestCommandGetKeysLikeRedis(t *testing.T) {
	cmds := [][]string{
		{"COMMAND", "GETKEYS", "GET", "k"},
		{"COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"},
		{"COMMAND", "GETKEYS", "ZUNION", "2", "a", "b", "WEIGHTS", "1", "2"},
		{"COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b"},
		{"COMMAND", "GETKEYS", "XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"},
		{"COMMAND", "GETKEYS", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s1", "0"},
		{"COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"},
		{"COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b"},
		{"COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "STORE", "d"},
		{"COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "0", "1", "BY", "store", "STORE", "d"},
		{"COMMAND", "GETKEYS", "PING"},
		{"COMMAND", "GETKEYS", "PING", "x"},
		{"COMMAND", "GETKEYS", "NOSUCH", "x"},
		{"COMMAND", "GETKEYS", "GET", "k", "x"},
		{"COMMAND", "GETKEYS", "ZUNION", "5", "a", "b"},
		{"COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"},
		{"COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"},
		{"COMMAND", "GETKEYSANDFLAGS", "LMOVE", "a", "b", "LEFT", "RIGHT"},
		{"COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v"},
		{"COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v", "get"},
		{"COMMAND", "GETKEYSANDFLAGS", "SORT", "k", "STORE", "d"},
		{"COMMAND", "INFO", "get", "set", "sort", "xread", "zunion", "client|list", "randomkey"},
	}
	var logs []string
	for _, tg := range targets(t) {
		c := servertest.Dial(t, tg.addr)
		var b strings.Builder
		for _, cmd := range cmds {
			b.WriteString(strings.Join(cmd, " ") + " -> " + c.Do(cmd...) + "\n")
		}
		logs = append(logs, b.String())
	}
	if len(logs) == 2 && logs[0] != logs[1] {
		t.Errorf("gocache and redis differ.\ngocache:\n%s\nredis:\n%s", logs[0], logs[1])
	}
}
