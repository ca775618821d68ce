package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// CLIENT UNBLOCK reaches across the admin and blocking layers: it answers
// a client waiting in BLPOP, with the timeout reply or with -UNBLOCKED, as
// Redis does, and says 0 for a client that is not waiting.
func TestClientUnblock(t *testing.T) {
	p := startProc(t)
	admin := servertest.Dial(t, p.Addr)
	for _, reason := range []string{"TIMEOUT", "ERROR"} {
		waiter := servertest.Dial(t, p.Addr)
		id := strings.TrimSuffix(strings.TrimPrefix(waiter.Do("CLIENT", "ID"), ":"), "\r\n")
		waiter.Send(string(servertest.Command("BLPOP", "nothing-here", "0")))
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(admin.Do("INFO", "clients"), "blocked_clients:1\r\n") {
			if time.Now().After(deadline) {
				t.Fatal("the BLPOP client never showed as blocked")
			}
			time.Sleep(10 * time.Millisecond) // polling interval
		}
		if got := admin.Do("CLIENT", "UNBLOCK", id, reason); got != ":1\r\n" {
			t.Fatalf("CLIENT UNBLOCK %s %s = %q", id, reason, got)
		}
		want := "*-1\r\n"
		if reason == "ERROR" {
			want = "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
		}
		if got := waiter.ReadRaw(); got != want {
			t.Errorf("%s: the waiter got %q, want %q", reason, got, want)
		}
		if got := admin.Do("CLIENT", "UNBLOCK", id); got != ":0\r\n" {
			t.Errorf("second CLIENT UNBLOCK = %q, want :0", got)
		}
	}
	for args, want := range map[string]string{
		"abc":    "-ERR value is not an integer or out of range\r\n",
		"1 FOO":  "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
		"999999": ":0\r\n",
	} {
		cmd := append([]string{"CLIENT", "UNBLOCK"}, strings.Fields(args)...)
		if got := admin.Do(cmd...); got != want {
			t.Errorf("CLIENT UNBLOCK %s = %q, want %q", args, got, want)
		}
	}
	if !regexp.MustCompile(`clients_in_timeout_table:0\r\n`).MatchString(admin.Do("INFO", "clients")) {
		t.Error("no client should be left in the timeout table")
	}
}
