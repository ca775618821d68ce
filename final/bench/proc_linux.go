package main

import (
	"fmt"
	"os/exec"
	"syscall"
)

// raiseFileLimit lifts this process's soft RLIMIT_NOFILE to the hard
// limit and returns the new value. Go raises its own limit at start but
// gives children the original one; an explicit Setrlimit is inherited, so
// the gocache process started by the harness can hold as many clients as
// the harness can open.
func raiseFileLimit() (uint64, error) {
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

// setDeathSignal makes the kernel kill a server if the harness dies
// first, so an interrupted run leaves no server behind.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
