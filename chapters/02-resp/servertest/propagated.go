package servertest

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Recorder keeps what a server propagated (what the AOF would receive),
// as "db: ARG ARG ..." lines. A server propagates a command before it
// writes the command's reply, so once a test has read a reply, Take
// returns everything that command propagated.
type Recorder struct {
	mu    sync.Mutex
	lines []string
}

// RecordPropagated adds a Recorder to s's followers. Call it from
// Start's setup, before the server runs.
func RecordPropagated(s *server.Server) *Recorder {
	r := &Recorder{}
	s.Follow(r)
	return r
}

// Feed is the server.Follower method: it keeps one line for args in db.
func (r *Recorder) Feed(db int, args [][]byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf("%d: %s", db, bytes.Join(args, []byte(" "))))
}

// Take returns what was recorded since the last call.
func (r *Recorder) Take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.lines
	r.lines = nil
	return out
}

// ExpectPropagated takes what r recorded and fails the test unless it is
// exactly want, in order. A "?" word in want matches any one argument (a
// member SPOP chose at random).
func ExpectPropagated(t testing.TB, r *Recorder, want ...string) {
	t.Helper()
	got := r.Take()
	if len(got) != len(want) {
		t.Errorf("propagated %q, want %q", got, want)
		return
	}
	for i, w := range want {
		if !wordsMatch(got[i], w) {
			t.Errorf("propagated %q, want %q", got[i], w)
		}
	}
}

func wordsMatch(got, want string) bool {
	g, w := strings.Split(got, " "), strings.Split(want, " ")
	if len(g) != len(w) {
		return false
	}
	for i := range w {
		if w[i] != "?" && w[i] != g[i] {
			return false
		}
	}
	return true
}
