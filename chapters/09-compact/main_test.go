package main

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

func TestMain(m *testing.M) { servertest.Main(m) }

// TestTryIt runs the README's redis-cli sessions against the chapter's
// program: every reply the tutorial shows is the one a learner gets.
func TestTryIt(t *testing.T) { servertest.TryItProgram(t) }

// TestTryItMatchesRedis runs the same sessions against redis-server 7:
// the tutorial's outputs are Redis's.
func TestTryItMatchesRedis(t *testing.T) { servertest.TryItRedis(t) }
