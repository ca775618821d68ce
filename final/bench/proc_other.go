//go:build !linux

package main

import "os/exec"

// setDeathSignal: the memory suites read /proc, so the harness only
// measures on Linux (procmem.RaiseFileLimit says so); this stub keeps
// `GOOS=darwin go build ./...` working.
func setDeathSignal(*exec.Cmd) {}
