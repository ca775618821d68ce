//go:build !linux

package main

import (
	"errors"
	"os/exec"
)

// The memory suites read /proc, so the harness only measures on Linux;
// these stubs keep `GOOS=darwin go build ./...` working.

func raiseFileLimit() (uint64, error) {
	return 0, errors.New("the benchmark harness needs Linux (/proc); open the repository in the devcontainer")
}

func setDeathSignal(*exec.Cmd) {}
