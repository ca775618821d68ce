package main

import (
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// TestTryIt runs the README's redis-cli sessions (its blocks with a
// prompt; the shell sessions are left to the reader) against the
// chapter's program.
func TestTryIt(t *testing.T) { servertest.TryItProgram(t) }

// TestTryItMatchesRedis runs the same sessions against redis-server 7:
// the payloads the tutorial shows are Redis's, byte for byte.
func TestTryItMatchesRedis(t *testing.T) { servertest.TryItRedis(t) }
