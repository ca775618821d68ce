package bitcmd_test

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
	"github.com/gocache/gocache/chapters/02-resp/servertest"
	"github.com/gocache/gocache/chapters/03-cache/cache"
	"github.com/gocache/gocache/chapters/09-compact/bitcmd"
)

// startClocked runs a server with the cache and this package's commands,
// recording what it propagates, on an injected clock.
func startClocked(t *testing.T) (*server.Server, *servertest.Recorder) {
	clock := servertest.NewClock(1_700_000_000_000)
	var rec *servertest.Recorder
	s := servertest.Start(t, func(s *server.Server) {
		s.Now = clock.Now
		rec = servertest.RecordPropagated(s)
		bitcmd.Register(s, cache.Register(s))
	})
	return s, rec
}
