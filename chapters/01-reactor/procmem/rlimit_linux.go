package procmem

import (
	"fmt"
	"syscall"
)

// RaiseFileLimit lifts this process's soft RLIMIT_NOFILE (what `ulimit -n`
// sets) to the hard limit and returns it: each connection is one
// descriptor. Go raises its own limit at start but gives children the
// original one; an explicit Setrlimit is inherited, so a server the
// measurement starts can hold as many clients as it can open.
func RaiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("raise RLIMIT_NOFILE to %d: %w", lim.Max, err)
	}
	return lim.Cur, nil
}
