package procmem

import (
	"syscall"
	"testing"
)

// TestRaiseFileLimitReachesTheHardLimit: afterwards the soft limit is the
// hard one, and the call says so.
func TestRaiseFileLimitReachesTheHardLimit(t *testing.T) {
	got, err := RaiseFileLimit()
	if err != nil {
		t.Fatal(err)
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if got != lim.Max || lim.Cur != lim.Max {
		t.Fatalf("returned %d; soft limit %d, hard limit %d", got, lim.Cur, lim.Max)
	}
}
