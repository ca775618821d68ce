package script

import (
	"bytes"
	"net"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// A table that holds itself is written as nested arrays until Lua's
// stack runs out, then the error: the same bytes as Redis, which no
// depth-limited reply reader can take, so they are read raw.
func TestSelfNestedTableEndsLikeRedis(t *testing.T) {
	addr := servertest.StartRedis(t)
	body := "local t = {} t[1] = t return t"
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	conn.Write(servertest.Command("EVAL", body, "0"))
	end := []byte("-ERR reached lua stack limit\r\n")
	var want []byte
	buf := make([]byte, 64<<10)
	for !bytes.HasSuffix(want, end) {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("reading Redis's reply: %v after %d bytes", err, len(want))
		}
		want = append(want, buf[:n]...)
	}
	e := New(Options{})
	defer e.Close()
	got := e.Eval(&Run{Caller: newFakeDB(), Proto: 2}, body)
	if !bytes.Equal(got, want) {
		t.Errorf("got %d bytes ending %q, want %d bytes ending %q", len(got), got[max(0, len(got)-40):], len(want), want[len(want)-40:])
	}
}
