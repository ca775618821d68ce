//go:build !linux

package reactor

import (
	"errors"
	"net/netip"
)

// errNeedsLinux is what New returns off Linux: the loop is written
// against epoll, the way Redis's ae_epoll.c is.
var errNeedsLinux = errors.New("reactor: epoll needs Linux; open the repository in the devcontainer")

type poller struct{}

func newPoller() (*poller, error)                    { return nil, errNeedsLinux }
func (p *poller) add(fd int, mask uint8) error       { return errNeedsLinux }
func (p *poller) mod(fd int, mask uint8)             {}
func (p *poller) del(fd int)                         {}
func (p *poller) wait(int, []event) ([]event, error) { return nil, errNeedsLinux }
func (p *poller) wake()                              {}
func (p *poller) close()                             {}

func listenTCP(string, int) (int, string, error) { return -1, "", errNeedsLinux }
func acceptTCP(int) (int, netip.AddrPort, error) { return -1, netip.AddrPort{}, errNeedsLinux }
func localAddr(int) (netip.AddrPort, error)      { return netip.AddrPort{}, errNeedsLinux }
func readFd(int, []byte) (int, error)            { return 0, errNeedsLinux }
func writeFd(int, []byte) (int, error)           { return 0, errNeedsLinux }
func closeFd(int)                                {}
func isWouldBlock(error) bool                    { return false }
func isTooManyFiles(error) bool                  { return false }
