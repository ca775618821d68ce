package servertest

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// RecordPropagated makes s send every command it propagates (what the
// AOF would receive) to the returned channel, its arguments joined by
// spaces. Call it from Start's setup, before the server runs.
func RecordPropagated(s *server.Server) <-chan string {
	props := make(chan string, 100)
	s.Propagators = append(s.Propagators, func(db int, args [][]byte) {
		props <- string(bytes.Join(args, []byte(" ")))
	})
	return props
}

// ExpectPropagated reads one propagated command for each of want, in
// order, waiting up to 10s for each, and fails the test where one
// differs. A "?" word in want matches any one argument (a member SPOP
// chose at random).
func ExpectPropagated(t testing.TB, props <-chan string, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-props:
			if !wordsMatch(got, w) {
				t.Errorf("propagated %q, want %q", got, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("nothing propagated, want %q", w)
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
