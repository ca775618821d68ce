package main

import (
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// TestTryIt runs the README's redis-cli sessions against the chapter's
// program: every reply the tutorial shows is the one a learner gets.
func TestTryIt(t *testing.T) {
	p := servertest.StartProcess(t, t.TempDir(), servertest.Build(t, "."))
	p.WaitReady(t, 20*time.Second)
	servertest.TryIt(t, "README.md", p.Addr)
}

// TestTryItMatchesRedis runs the same sessions against redis-server 7:
// the tutorial's outputs are Redis's.
func TestTryItMatchesRedis(t *testing.T) {
	servertest.TryIt(t, "README.md", servertest.StartRedis(t))
}
