package aof

import (
	"fmt"
	"strings"
)

// Policy is appendfsync: when written AOF data is forced to the disk.
type Policy int

const (
	// EverySec fsyncs in the background at most once a second (Redis's
	// default). A crash loses up to about two seconds of writes.
	EverySec Policy = iota
	// Always fsyncs before any reply of the loop turn leaves the server.
	// A crash loses nothing that was acknowledged.
	Always
	// No leaves it to the OS, which usually writes dirty pages back within
	// 30 seconds. Only a crash of the machine, not of the process, loses data.
	No
)

// String returns the name used by CONFIG and the command line.
func (p Policy) String() string {
	switch p {
	case Always:
		return "always"
	case No:
		return "no"
	default:
		return "everysec"
	}
}

// ParsePolicy accepts the appendfsync values, in any case, as Redis does.
func ParsePolicy(s string) (Policy, error) {
	switch strings.ToLower(s) {
	case "always":
		return Always, nil
	case "everysec":
		return EverySec, nil
	case "no":
		return No, nil
	}
	return EverySec, fmt.Errorf("argument(s) must be one of the following: everysec, always, no")
}
