// Package reactor is a single-threaded event loop over Linux epoll, in the
// shape of Redis's ae.c: one goroutine (the "loop goroutine") waits for
// sockets to become readable or writable and for timers to come due, and
// runs every callback itself, so the state above it needs no locks.
//
// A turn of the loop:
//
//	epoll_wait (timeout = nearest timer)
//	-> accept every pending connection
//	-> Handler.Readable(batch of connections with input, plus requeued ones)
//	-> due timers -> posted functions -> BeforeSleep hooks
//	-> flush pending output (one write per connection)
//	-> connections with output left: arm EPOLLOUT; over Config.HighWater:
//	   stop reading until drained; closing and drained: close.
//
// Only the poller (poller_linux.go) and the socket calls (socket_linux.go)
// know the operating system. On other systems New returns an error.
package reactor
