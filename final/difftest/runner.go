package difftest

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// conn is a raw RESP connection that returns each reply's bytes.
type conn struct {
	nc  net.Conn
	buf []byte
}

func dial(addr string) (*conn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc}, nil
}

// do sends one command and returns its reply as sent.
func (c *conn) do(args []string) (string, error) {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	c.nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.nc.Write(resp.AppendCommand(nil, bs...)); err != nil {
		return "", err
	}
	var chunk [16 << 10]byte
	for {
		if len(c.buf) > 0 {
			_, n, err := resp.ParseValue(c.buf)
			if err != nil {
				return "", err
			}
			if n > 0 {
				reply := string(c.buf[:n])
				c.buf = c.buf[n:]
				return reply, nil
			}
		}
		n, err := c.nc.Read(chunk[:])
		if err != nil {
			return "", err
		}
		c.buf = append(c.buf, chunk[:n]...)
	}
}

// Mismatch is the first step whose replies differ.
type Mismatch struct {
	Index     int
	Got, Want string
}

// Run replays steps against two servers from empty databases, on fresh
// connections speaking proto (2 or 3), and returns the first mismatch,
// or nil when every reply agrees.
func Run(gocacheAddr, redisAddr string, proto int, steps []Step) (*Mismatch, error) {
	g, err := dial(gocacheAddr)
	if err != nil {
		return nil, err
	}
	defer g.nc.Close()
	r, err := dial(redisAddr)
	if err != nil {
		return nil, err
	}
	defer r.nc.Close()
	for _, setup := range [][]string{{"HELLO", strconv.Itoa(proto)}, {"FLUSHALL"}} {
		for _, c := range []*conn{g, r} {
			reply, err := c.do(setup)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(reply, "-") {
				return nil, errors.New("setup " + strings.Join(setup, " ") + ": " + reply)
			}
		}
	}
	for i, st := range steps {
		got, err := g.do(st.Args)
		if err != nil {
			return nil, fmt.Errorf("gocache, step %d %q: %w", i, st.Args, err)
		}
		want, err := r.do(st.Args)
		if err != nil {
			return nil, fmt.Errorf("redis, step %d %q: %w", i, st.Args, err)
		}
		same := got == want
		if !same && st.Same != nil {
			same = st.Same(got, want)
		}
		if !same {
			return &Mismatch{Index: i, Got: got, Want: want}, nil
		}
	}
	return nil, nil
}

// Minimize shortens a failing sequence the way delta debugging does:
// drop chunks of steps, halving the chunk size when no chunk can go,
// and keep each removal after which fails still reports true. It stops
// after maxTries calls of fails or when the deadline passes, and
// returns the shortest failing sequence found.
func Minimize(steps []Step, fails func([]Step) bool, maxTries int, deadline time.Time) []Step {
	tries := 0
	chunk := len(steps) / 2
	for chunk >= 1 {
		removed := false
		for start := 0; start < len(steps); {
			if tries >= maxTries || time.Now().After(deadline) {
				return steps
			}
			end := min(start+chunk, len(steps))
			candidate := append(append([]Step(nil), steps[:start]...), steps[end:]...)
			tries++
			if len(candidate) > 0 && fails(candidate) {
				steps = candidate
				removed = true
				continue // the same start now holds the next chunk
			}
			start = end
		}
		if !removed {
			chunk /= 2
		}
	}
	return steps
}

// Format prints a sequence as redis-cli would take it, one command a
// line, with arguments quoted.
func Format(steps []Step) string {
	var b strings.Builder
	for _, st := range steps {
		for j, a := range st.Args {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Quote(a))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
