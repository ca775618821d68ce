package servertest

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// ExpiresWhileDown checks what every program that loads an AOF must get
// right: a key whose time to live passes while the server is down is gone
// after the restart, even if a later command (INCR) changed it. Replaying
// the log must not judge the old commands against the wall clock: SET ...
// PXAT in the past would be dropped and the INCR would then create a
// fresh key with no TTL. start runs the program on the same data
// directory each time and waits until it answers.
func ExpiresWhileDown(t *testing.T, start func() *Process) {
	t.Helper()
	p := start()
	c := Dial(t, p.Addr)
	if got := c.Do("SET", "k", "5", "PX", "300"); got != "+OK\r\n" {
		t.Fatalf("SET = %q", got)
	}
	if got := c.Do("INCR", "k"); got != ":6\r\n" {
		t.Fatalf("INCR = %q", got)
	}
	pttl := c.Do("PTTL", "k")
	ms, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(pttl, ":")))
	if err != nil || ms <= 0 {
		t.Fatalf("PTTL = %q", pttl)
	}
	expiresAt := time.Now().Add(time.Duration(ms) * time.Millisecond)
	if code := p.Stop(t, 20*time.Second); code != 0 {
		t.Fatalf("exit code %d; log:\n%s", code, p.Log)
	}
	// Not a guess: the key's expiry is known, and the server is down
	// until then.
	time.Sleep(time.Until(expiresAt) + 10*time.Millisecond)
	p = start()
	c = Dial(t, p.Addr)
	if got := c.Do("GET", "k"); got != "$-1\r\n" {
		t.Errorf("GET k after its expiry passed while down = %q, want a null (log:\n%s)", got, p.Log)
	}
	if got := c.Do("PTTL", "k"); got != ":-2\r\n" {
		t.Errorf("PTTL k = %q, want -2", got)
	}
}
