package main

import (
	"sort"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestCommandDocsMatchRedis compares COMMAND DOCS of every command and
// subcommand the final server has with real Redis, in RESP2 and RESP3,
// byte for byte, and names the containers of which it has only some
// subcommands.
func TestCommandDocsMatchRedis(t *testing.T) {
	redisAddr := servertest.StartRedis(t)
	p := startProc(t)
	partial, extra := servertest.CompareCommandDocs(t, p.Addr, redisAddr)
	if len(extra) > 0 {
		t.Logf("gocache has what Redis 7.0 does not (docs: group only): %q", extra)
	}
	names := make([]string, 0, len(partial))
	for name := range partial {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Logf("%s: only the subcommands gocache has; it lacks %s", name, strings.Join(partial[name], " "))
	}
}
