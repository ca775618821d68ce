package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// listenAddrs turns Redis's bind list and port into listen addresses. An
// address written with a leading '-' is optional, as in Redis: it is
// dropped when the machine does not have it (no IPv6 loopback in many
// containers), instead of failing the start.
func listenAddrs(bind string, port int) []string {
	var addrs []string
	for _, host := range strings.Fields(bind) {
		optional := strings.HasPrefix(host, "-")
		host = strings.TrimPrefix(host, "-")
		if optional && !canBind(host) {
			continue
		}
		addrs = append(addrs, net.JoinHostPort(host, strconv.Itoa(port)))
	}
	return addrs
}

// canBind reports whether a listening socket can be opened on host.
func canBind(host string) bool {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// port is the port of the first listening address (the real one when the
// configuration said 0).
func port(s *server.Server) string {
	addrs := s.Addrs()
	if len(addrs) == 0 {
		return "0"
	}
	_, p, _ := net.SplitHostPort(addrs[0])
	return p
}

func sigName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// writePidFile writes the process id where pidfile says, as Redis does.
func writePidFile(path string) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("can't write the pid file: %w", err)
	}
	return nil
}

func removePidFile(path string) {
	if path != "" {
		os.Remove(path)
	}
}
