package main

import (
	"log"

	"golang.org/x/sys/unix"
)

// raiseFileLimit lifts the soft RLIMIT_NOFILE (like `ulimit -n`) to at
// least n, within the hard limit: each connection is one descriptor.
func raiseFileLimit(n int) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		log.Fatal(err)
	}
	if lim.Cur >= uint64(n) {
		return
	}
	if lim.Max < uint64(n) {
		log.Fatalf("need %d file descriptors, the hard limit is %d: raise it (ulimit -Hn) or use fewer -conns", n, lim.Max)
	}
	lim.Cur = uint64(n)
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		log.Fatal(err)
	}
}
