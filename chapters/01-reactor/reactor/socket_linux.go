package reactor

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"golang.org/x/sys/unix"
)

// listenTCP opens a non-blocking listening socket on addr ("host:port",
// "[::1]:port"; an empty host means all IPv4 addresses) and returns it with
// the address actually bound, which tells the caller the port picked for
// port 0. On error fd is -1 or a socket the caller must close.
func listenTCP(addr string, backlog int) (fd int, bound string, err error) {
	sa, family, err := parseAddr(addr)
	if err != nil {
		return -1, "", err
	}
	fd, err = unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, "", err
	}
	// SO_REUSEADDR: restart the server while old connections sit in
	// TIME_WAIT without "address already in use".
	if err = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return fd, "", err
	}
	if family == unix.AF_INET6 {
		// As Redis: an IPv6 socket serves IPv6 only, so "0.0.0.0:p" and
		// "[::]:p" can both be bound.
		if err = unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 1); err != nil {
			return fd, "", err
		}
	}
	if err = unix.Bind(fd, sa); err != nil {
		return fd, "", err
	}
	if err = unix.Listen(fd, backlog); err != nil {
		return fd, "", err
	}
	a, err := localAddr(fd)
	if err != nil {
		return fd, "", err
	}
	return fd, a.String(), nil
}

// parseAddr turns "host:port" into a sockaddr. Hosts are IP literals,
// "localhost" or empty: resolving names is not the loop's business.
func parseAddr(addr string) (unix.Sockaddr, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, 0, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, 0, fmt.Errorf("bad port %q", port)
	}
	switch host {
	case "":
		host = "0.0.0.0"
	case "localhost":
		host = "127.0.0.1"
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil, 0, fmt.Errorf("bad IP address %q", host)
	}
	if ip.Is4() || ip.Is4In6() {
		return &unix.SockaddrInet4{Port: int(p), Addr: ip.Unmap().As4()}, unix.AF_INET, nil
	}
	return &unix.SockaddrInet6{Port: int(p), Addr: ip.As16()}, unix.AF_INET6, nil
}

// acceptTCP accepts one connection. accept4 sets O_NONBLOCK and
// FD_CLOEXEC in the same syscall, so there is no window in which the new
// fd could block the loop or leak into a child process.
func acceptTCP(lfd int) (int, netip.AddrPort, error) {
	fd, sa, err := unix.Accept4(lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return -1, netip.AddrPort{}, err
	}
	// Small replies must leave at once, not wait for Nagle's algorithm
	// to batch them with data that may never come (Redis does the same).
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	return fd, addrPort(sa), nil
}

func addrPort(sa unix.Sockaddr) netip.AddrPort {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr), uint16(a.Port))
	}
	return netip.AddrPort{}
}

func localAddr(fd int) (netip.AddrPort, error) {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return netip.AddrPort{}, err
	}
	return addrPort(sa), nil
}

func readFd(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Read(fd, p)
		if err != unix.EINTR {
			return n, err
		}
	}
}

// writeFd writes to a socket. A peer that is gone makes it fail with
// EPIPE: the Go runtime ignores SIGPIPE for descriptors other than 1 and 2.
func writeFd(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Write(fd, p)
		if err != unix.EINTR {
			return n, err
		}
	}
}

func closeFd(fd int) { unix.Close(fd) }

func isWouldBlock(err error) bool { return err == unix.EAGAIN }

func isTooManyFiles(err error) bool {
	return errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE)
}
