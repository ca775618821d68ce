package resp

import "bytes"

// Limits of the request parser, named and valued as in Redis 7.0.
const (
	// MaxBulkLen is the default largest bulk argument (proto-max-bulk-len).
	MaxBulkLen = 512 << 20
	// MaxInline is how far the parser looks for the end of a line
	// (PROTO_INLINE_MAX_SIZE): an inline request, a "*N" or a "$N" line
	// longer than this is a protocol error rather than a reason to buffer
	// forever.
	MaxInline = 64 << 10
	// BigArg is the bulk size from which Redis reads the argument into a
	// buffer sized for it (PROTO_MBULK_BIG_ARG). A server can do the same
	// by growing its input buffer by Need() bytes once Need() >= BigArg.
	BigArg = 32 << 10
	// maxMultibulk is the largest "*N" Redis 7.0 accepts (INT_MAX).
	maxMultibulk = 1<<31 - 1
	// Before AUTH, Redis keeps what a stranger can make it buffer small.
	maxUnauthMultibulk = 10
	maxUnauthBulk      = 16384
)

// ProtocolError is a request Redis would refuse. Msg is Redis's exact
// text without the "ERR " code, for example "Protocol error: invalid
// bulk length"; the server replies "-ERR "+Msg and closes the connection
// once the reply is sent.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return e.Msg }

func protoErr(msg string) *ProtocolError { return &ProtocolError{Msg: msg} }

// Parser cuts client requests out of a connection's input buffer, in both
// forms Redis accepts: multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and
// inline ("GET k\r\n"). It follows Redis 7.0's processMultibulkBuffer and
// processInlineBuffer step by step: same limits, same error texts, same
// leniencies (the byte after a line's CR and the two bytes after a bulk
// are skipped unread; a NUL byte ends the search for a line end, as C's
// strchr does).
//
// One Parser belongs to one connection. Between calls it remembers how far
// the current frame has been read, so a big frame arriving in many small
// reads is scanned once, not once per read.
type Parser struct {
	// MaxBulkLen is the largest accepted bulk argument; 0 means
	// MaxBulkLen (proto-max-bulk-len).
	MaxBulkLen int64
	// Unauthenticated applies Redis's limits for a connection that still
	// has to AUTH: more than 10 arguments or a bulk over 16384 bytes is
	// a protocol error.
	Unauthenticated bool

	// State of the frame being read. Positions are offsets from the start
	// of buf, never pointers: the owner may move its buffer (to grow it)
	// between calls, as long as the frame still starts at buf[0].
	kind    byte  // 0 = not known yet, '*' = multibulk, 'i' = inline
	pos     int   // where the next unread item (line or bulk) starts
	scan    int   // the line starting at pos holds no line end before scan
	blocked bool  // a NUL was found before the line end (see findLine)
	counted bool  // multibulk: the "*N" line has been read
	left    int   // multibulk: bulks still to read
	bulk    int64 // multibulk: length of the bulk at pos, -1 = "$N" not read
	need    int   // bytes missing for the current bulk after an incomplete call
	offs    []int // start, end of each argument read so far in this frame
}

// Parse cuts one command from the start of buf and returns its arguments
// appended to argv (pass argv[:0] of the previous call to reuse it), and
// n, the bytes it used.
//
// The arguments are slices of buf, valid until the caller consumes or
// overwrites those bytes. buf itself is never modified: multibulk and
// plain inline arguments are views of it, and the arguments of an inline
// line with quotes are decoded into a copy of that line (typed by hand, so
// rare and short).
//
// An incomplete frame returns n == 0 and a nil error: the caller reads
// more, appends it to the same buffer (whose start must not move past the
// frame: consume only after a complete frame) and calls Parse again. Need
// then says how many bytes the current bulk still lacks.
//
// An empty command (a blank inline line, "*0\r\n", "*-1\r\n") returns
// n > 0 and no arguments; the caller skips it, as Redis does.
//
// A malformed request returns a *ProtocolError. The Parser must then be
// Reset before it is used on other data.
func (p *Parser) Parse(buf []byte, argv [][]byte) (args [][]byte, n int, err error) {
	p.need = 0
	if p.kind == 0 {
		if len(buf) == 0 {
			return argv, 0, nil
		}
		p.kind = 'i'
		if buf[0] == '*' {
			p.kind = '*'
			p.bulk = -1
		}
	}
	var done bool
	if p.kind == '*' {
		done, err = p.multibulk(buf)
	} else {
		argv, done, err = p.inline(buf, argv)
		if done {
			n = p.pos
			p.Reset()
			return argv, n, nil
		}
	}
	if err != nil || !done {
		return argv, 0, err
	}
	for i := 0; i < len(p.offs); i += 2 {
		argv = append(argv, buf[p.offs[i]:p.offs[i+1]:p.offs[i+1]])
	}
	n = p.pos
	p.Reset()
	return argv, n, nil
}

// Need reports, after Parse returned an incomplete frame, how many more
// bytes the bulk argument being read needs (its data and CRLF), or 0 when
// that is not known yet. A server grows its input buffer by that much so
// a large value is read into place instead of being copied on every grow.
func (p *Parser) Need() int { return p.need }

// Reset forgets the frame in progress, keeping the limits and the
// argument offsets' storage, unless a command with many arguments made
// that storage large: an idle connection should not pin it.
func (p *Parser) Reset() {
	offs := p.offs[:0]
	if cap(offs) > 64 {
		offs = nil
	}
	max, unauth := p.MaxBulkLen, p.Unauthenticated
	*p = Parser{MaxBulkLen: max, Unauthenticated: unauth, offs: offs}
}

// findLine looks for the byte c that ends the line starting at p.pos. It
// resumes where the previous call stopped (p.scan), so a long line
// trickling in is searched once. Redis searches with strchr, which stops at
// a NUL byte: a NUL before the line end means the line never ends, and the
// frame waits until it trips the MaxInline limit. p.blocked keeps that
// verdict.
func (p *Parser) findLine(buf []byte, c byte) int {
	if p.blocked {
		return -1
	}
	if p.scan < p.pos {
		p.scan = p.pos
	}
	rest := buf[p.scan:]
	i := bytes.IndexByte(rest, c)
	end := i
	if i < 0 {
		end = len(rest)
	}
	if z := bytes.IndexByte(rest[:end], 0); z >= 0 {
		p.blocked = true
		return -1
	}
	if i < 0 {
		p.scan = len(buf)
		return -1
	}
	return p.scan + i
}

// multibulk reads as much of a "*N\r\n$len\r\n..." frame as buf holds
// (processMultibulkBuffer) and reports whether it is complete.
func (p *Parser) multibulk(buf []byte) (bool, error) {
	if !p.counted {
		nl := p.findLine(buf, '\r')
		if nl < 0 {
			if len(buf)-p.pos > MaxInline {
				return false, protoErr("Protocol error: too big mbulk count string")
			}
			return false, nil
		}
		// The byte after CR must have arrived; Redis never checks it is LF.
		if nl+1 >= len(buf) {
			return false, nil
		}
		ll, ok := ParseInt(buf[p.pos+1 : nl])
		if !ok || ll > maxMultibulk {
			return false, protoErr("Protocol error: invalid multibulk length")
		}
		if ll > maxUnauthMultibulk && p.Unauthenticated {
			return false, protoErr("Protocol error: unauthenticated multibulk length")
		}
		p.pos = nl + 2
		p.counted = true
		if ll <= 0 {
			return true, nil // "*0", "*-1": an empty command
		}
		p.left = int(ll)
		// No preallocation from the declared count: offs grows as bulks
		// actually arrive, so "*2147483647\r\n" costs nothing.
	}
	for p.left > 0 {
		if p.bulk < 0 {
			if err := p.bulkLen(buf); err != nil || p.bulk < 0 {
				return false, err
			}
		}
		end := p.pos + int(p.bulk)
		if len(buf)-p.pos < int(p.bulk)+2 {
			p.need = end + 2 - len(buf)
			return false, nil
		}
		p.offs = append(p.offs, p.pos, end)
		p.pos = end + 2 // the two bytes after the data are not checked
		p.bulk = -1
		p.left--
	}
	return true, nil
}

// bulkLen reads a "$len\r\n" line into p.bulk, leaving it -1 while the
// line is incomplete.
func (p *Parser) bulkLen(buf []byte) error {
	nl := p.findLine(buf, '\r')
	if nl < 0 {
		if len(buf)-p.pos > MaxInline {
			return protoErr("Protocol error: too big bulk count string")
		}
		return nil
	}
	if nl+1 >= len(buf) {
		return nil
	}
	if c := buf[p.pos]; c != '$' {
		// Redis formats the byte with %c and then maps CR/LF to spaces.
		if c == '\r' || c == '\n' {
			c = ' '
		}
		return protoErr("Protocol error: expected '$', got '" + string([]byte{c}) + "'")
	}
	max := p.MaxBulkLen
	if max <= 0 {
		max = MaxBulkLen
	}
	ll, ok := ParseInt(buf[p.pos+1 : nl])
	if !ok || ll < 0 || ll > max {
		return protoErr("Protocol error: invalid bulk length")
	}
	if ll > maxUnauthBulk && p.Unauthenticated {
		return protoErr("Protocol error: unauthenticated bulk length")
	}
	p.pos = nl + 2
	p.bulk = ll
	return nil
}

// inline reads a line of space separated arguments (processInlineBuffer).
// The line ends at LF; a CR before it is dropped.
func (p *Parser) inline(buf []byte, argv [][]byte) ([][]byte, bool, error) {
	nl := p.findLine(buf, '\n')
	if nl < 0 {
		if len(buf) > MaxInline {
			return argv, false, protoErr("Protocol error: too big inline request")
		}
		return argv, false, nil
	}
	end := nl
	if end > 0 && buf[end-1] == '\r' {
		end--
	}
	line := buf[:end]
	if bytes.ContainsAny(line, "\"'") {
		// Quotes are decoded in place; do it on a copy so buf keeps the
		// bytes as they arrived. A server that parses the same input twice
		// (a client resumed after blocking) must see the original quotes.
		line = bytes.Clone(line)
	}
	argv, ok := splitInPlace(line, argv)
	if !ok {
		return argv, false, protoErr("Protocol error: unbalanced quotes in request")
	}
	p.pos = nl + 1
	return argv, true, nil
}

// ParseInt is Redis's string2ll (util.c), the one strict decimal parser
// of the server: optional '-', no '+', no spaces, no leading zeros (so
// no "-0"), at most 20 bytes, must fit an int64. Anything else is not a
// number: for a length in the protocol that is a protocol error, for a
// command argument Redis's "value is not an integer" reply. Only the
// canonical form of a number passes, so it reads back exactly as it was
// written (what lets Redis store such a string as an integer).
func ParseInt(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) >= 21 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
		if len(s) == 0 {
			return 0, false
		}
	}
	if s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v > 1<<64-1-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}
