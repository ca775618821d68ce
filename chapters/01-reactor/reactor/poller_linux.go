package reactor

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// poller is the epoll backend, Redis's ae_epoll.c: a handful of tiny
// functions the loop calls without knowing what is behind them. It also
// owns an eventfd, registered like any socket, so that other goroutines
// can interrupt epoll_wait (Post, Stop).
type poller struct {
	epfd   int
	wakefd int
	events []unix.EpollEvent
	one    [8]byte // eventfd increment, read-only after newPoller
	drain  [8]byte
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	p := &poller{epfd: epfd, wakefd: wakefd, events: make([]unix.EpollEvent, 256)}
	binary.NativeEndian.PutUint64(p.one[:], 1)
	if err := p.add(wakefd, evRead); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// epollMask translates the loop's event bits. No EPOLLET: level-triggered,
// so a connection the handler did not read completely is reported again
// next turn and nothing is ever lost.
func epollMask(mask uint8) uint32 {
	var m uint32
	if mask&evRead != 0 {
		m |= unix.EPOLLIN
	}
	if mask&evWrite != 0 {
		m |= unix.EPOLLOUT
	}
	return m
}

func (p *poller) add(fd int, mask uint8) error {
	ev := unix.EpollEvent{Events: epollMask(mask), Fd: int32(fd)}
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}

// mod changes what fd is watched for. Mask 0 keeps the fd registered:
// epoll still reports EPOLLHUP and EPOLLERR, so a paused client that goes
// away is noticed.
func (p *poller) mod(fd int, mask uint8) {
	ev := unix.EpollEvent{Events: epollMask(mask), Fd: int32(fd)}
	unix.EpollCtl(p.epfd, unix.EPOLL_CTL_MOD, fd, &ev)
}

func (p *poller) del(fd int) {
	unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

// wait sleeps until an fd is ready or timeoutMs passes (-1: forever) and
// appends the ready fds to out. The wake-up eventfd is drained here and
// not reported: the loop looks at posted functions every turn anyway.
func (p *poller) wait(timeoutMs int, out []event) ([]event, error) {
	n, err := unix.EpollWait(p.epfd, p.events, timeoutMs)
	if err == unix.EINTR {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, e := range p.events[:n] {
		if int(e.Fd) == p.wakefd {
			unix.Read(p.wakefd, p.drain[:])
			continue
		}
		var m uint8
		if e.Events&unix.EPOLLIN != 0 {
			m |= evRead
		}
		if e.Events&unix.EPOLLOUT != 0 {
			m |= evWrite
		}
		if e.Events&unix.EPOLLHUP != 0 {
			m |= evHup
		}
		if e.Events&unix.EPOLLERR != 0 {
			m |= evErr
		}
		out = append(out, event{fd: e.Fd, mask: m})
	}
	if n == len(p.events) && n < 64<<10 {
		// Full: more fds are probably ready. Grow so the next turn
		// sees them all in one call.
		p.events = make([]unix.EpollEvent, 2*n)
	}
	return out, nil
}

// wake makes a sleeping (or the next) wait return. Any goroutine.
func (p *poller) wake() {
	unix.Write(p.wakefd, p.one[:])
}

func (p *poller) close() {
	unix.Close(p.wakefd)
	unix.Close(p.epfd)
}
