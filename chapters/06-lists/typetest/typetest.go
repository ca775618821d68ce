// Package typetest holds what the data types' tests (list, hash, set and
// zset, chapters 06-08) share: a gocache with chapter 03's
// string and key commands plus the types under test, paired with a real
// redis-server to compare replies with, the live-heap measure behind the
// memory figures in docs/types.md, and a reader of what the AOF rewrite
// writes for a value (RewriteCommands, SplitRewrite).
package typetest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

// Start runs gocache with the string and key commands, what register
// adds (the types under test, on the cache's keyspace) and OBJECT
// ENCODING, and returns a pair of connections to it and to a real
// redis-server (the test is skipped where none is installed).
func Start(t testing.TB, register func(s *server.Server, ca *cache.Cache)) *servertest.Pair {
	t.Helper()
	redisAddr := servertest.StartRedis(t)
	s := servertest.Start(t, func(s *server.Server) {
		ca := cache.Register(s)
		register(s, ca)
		s.Commands.Add(typecmd.ObjectEncoding(ca))
	})
	return servertest.DialPair(t, servertest.Addr(s), redisAddr)
}

// SkipUnlessMeasuring skips a memory measurement unless GOCACHE_MEMORY
// is set: it allocates a lot and only reports numbers.
func SkipUnlessMeasuring(t testing.TB) {
	t.Helper()
	if os.Getenv("GOCACHE_MEMORY") == "" {
		t.Skip("memory measurement: set GOCACHE_MEMORY=1 (numbers in docs/types.md)")
	}
}

// HeapAfter reports how much the live heap grew while fn built what it
// returns (kept alive until measured).
func HeapAfter(fn func() any) uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	v := fn()
	runtime.GC()
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(v)
	return m.HeapAlloc - before
}

// RewriteCommands parses b, what an AppendRewrite wrote, as RESP arrays
// of bulk strings, the AOF's form.
func RewriteCommands(t testing.TB, b []byte) [][]string {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(b))
	var cmds [][]string
	for {
		n, err := header(r, '*')
		if err == io.EOF {
			return cmds
		}
		if err != nil {
			t.Fatalf("command %d: %v", len(cmds), err)
		}
		cmd := make([]string, n)
		for i := range cmd {
			size, err := header(r, '$')
			if err != nil {
				t.Fatalf("command %d word %d: %v", len(cmds), i, err)
			}
			word := make([]byte, size+2)
			if _, err := io.ReadFull(r, word); err != nil || !bytes.HasSuffix(word, []byte("\r\n")) {
				t.Fatalf("command %d word %d: bad bulk %q %v", len(cmds), i, word, err)
			}
			cmd[i] = string(word[:size])
		}
		cmds = append(cmds, cmd)
	}
}

func header(r *bufio.Reader, kind byte) (int, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 4 || line[0] != kind || line[len(line)-2] != '\r' {
		return 0, fmt.Errorf("bad header %q", line)
	}
	return strconv.Atoi(line[1 : len(line)-2])
}

// SplitRewrite asserts the shape of a rewrite: every command is name key
// followed by RewriteItems elements of width words, the last one the
// rest; it returns the elements' words in order.
func SplitRewrite(t testing.TB, cmds [][]string, name, key string, n, width int) []string {
	t.Helper()
	if want := (n + typecmd.RewriteItems - 1) / typecmd.RewriteItems; len(cmds) != want {
		t.Fatalf("%s of %d elements: %d commands, want %d", name, n, len(cmds), want)
	}
	var words []string
	for i, c := range cmds {
		items := min(typecmd.RewriteItems, n-i*typecmd.RewriteItems)
		if len(c) != 2+items*width || c[0] != name || c[1] != key {
			t.Fatalf("command %d: %s %q with %d words, want %s %q with %d", i, c[0], c[1], len(c), name, key, 2+items*width)
		}
		words = append(words, c[2:]...)
	}
	return words
}

// RewriteSizes are the sizes the rewrite tests try: one command, an
// exact multiple of 64, and both encodings of each type.
var RewriteSizes = []int{1, 3, 64, 130, 1000}
