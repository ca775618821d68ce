// Package typetest holds what the data types' tests (list, hash, set and
// zset, chapters 06-08) share: a gocache with chapter 03's
// string and key commands plus the types under test, paired with a real
// redis-server to compare replies with, and the live-heap measure behind
// the memory figures in docs/types.md.
package typetest

import (
	"os"
	"runtime"
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
