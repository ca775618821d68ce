package aof

import (
	"os"

	"golang.org/x/sys/unix"
)

// datasync is fdatasync(2): it flushes the data and the file size but not
// the modification time, one disk write fewer than fsync(2). Redis does the
// same (redis_fsync is fdatasync on Linux).
func datasync(f *os.File) error {
	for {
		err := unix.Fdatasync(int(f.Fd()))
		if err != unix.EINTR {
			return err
		}
	}
}
