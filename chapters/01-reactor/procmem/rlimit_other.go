//go:build !linux

package procmem

import "errors"

// RaiseFileLimit: the measurements read /proc, so they only run on Linux.
func RaiseFileLimit() (uint64, error) {
	return 0, errors.New("memory measurements need Linux (/proc): open the repository in the devcontainer")
}
