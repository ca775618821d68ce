package resp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
)

// Kind is a reply's type, named by the byte that starts it on the wire.
type Kind byte

// The RESP2 kinds, then the ones RESP3 adds.
const (
	KindSimple    Kind = '+' // +OK
	KindError     Kind = '-' // -ERR message
	KindInt       Kind = ':' // :42
	KindBulk      Kind = '$' // $5 hello; $-1 is null in RESP2
	KindArray     Kind = '*' // *2 ...; *-1 is null in RESP2
	KindNull      Kind = '_' // _
	KindDouble    Kind = ',' // ,3.14
	KindBool      Kind = '#' // #t / #f
	KindBigNumber Kind = '(' // (3492890328409238509324850943850943825024385
	KindVerbatim  Kind = '=' // =15 txt:Some string
	KindBlobError Kind = '!' // !21 SYNTAX invalid syntax
	KindMap       Kind = '%' // %2 key value key value
	KindSet       Kind = '~' // ~3 ...
	KindAttribute Kind = '|' // |1 key value, then the value it describes
	KindPush      Kind = '>' // >3 message channel payload
)

func (k Kind) String() string { return string(rune(k)) }

// Value is one reply of any kind.
type Value struct {
	Kind   Kind
	Str    []byte  // simple string, error (code included), bulk, verbatim text (after "txt:"), big number digits, double as sent, blob error
	Int    int64   // integer
	Float  float64 // double
	Bool   bool    // boolean
	Null   bool    // $-1, *-1 or _
	Format string  // verbatim format, e.g. "txt"
	Elems  []Value // array, set, push; map as key, value, key, value ...
	Attrs  []Value // the attribute sent just before this value, as key, value, ...
}

// Limits that keep a hostile or broken server from making a reader
// allocate or recurse without bound.
const (
	// MaxDepth is how deeply aggregates may nest.
	MaxDepth = 1000
	// maxPrealloc caps what a declared length reserves up front; the
	// rest grows as elements and bytes actually arrive.
	maxPrealloc = 1024
)

var errDepth = protoErr("Protocol error: reply nested too deeply")

// errIncomplete is ParseValue's internal "need more bytes".
var errIncomplete = errors.New("resp: incomplete")

// source is what the value decoder reads from: a byte slice (ParseValue)
// or a bufio.Reader (ReplyReader).
type source interface {
	// line returns the next line without its CRLF; it is valid until the
	// next call.
	line() ([]byte, error)
	// bulk returns the next n bytes, copied, and consumes the CRLF after.
	bulk(n int) ([]byte, error)
}

// ParseValue decodes one reply from the start of buf and returns it with
// the number of bytes it used. When buf holds only part of a reply it
// returns n == 0 and a nil error: call again with more bytes appended.
// Strings in the result are copies, so buf may be reused at once.
func ParseValue(buf []byte) (v Value, n int, err error) {
	s := &sliceSource{buf: buf}
	v, err = decode(s, 0)
	if err == errIncomplete {
		return Value{}, 0, nil
	}
	if err != nil {
		return Value{}, 0, err
	}
	return v, s.pos, nil
}

type sliceSource struct {
	buf []byte
	pos int
}

func (s *sliceSource) line() ([]byte, error) {
	rest := s.buf[s.pos:]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		return nil, errIncomplete
	}
	l, err := trimCRLF(rest[:i+1])
	if err != nil {
		return nil, err
	}
	s.pos += i + 1
	return l, nil
}

// trimCRLF checks that a line read up to its LF ends in CRLF and has no
// other CR, and strips the CRLF. Both readers use it so that they agree
// on what a line is.
func trimCRLF(l []byte) ([]byte, error) {
	if len(l) < 2 || l[len(l)-2] != '\r' {
		return nil, protoErr("Protocol error: line not ended by CRLF")
	}
	l = l[:len(l)-2]
	if bytes.IndexByte(l, '\r') >= 0 {
		return nil, protoErr("Protocol error: CR inside a line")
	}
	return l, nil
}

func (s *sliceSource) bulk(n int) ([]byte, error) {
	rest := s.buf[s.pos:]
	if len(rest) < n+2 {
		return nil, errIncomplete
	}
	if rest[n] != '\r' || rest[n+1] != '\n' {
		return nil, protoErr("Protocol error: bulk not followed by CRLF")
	}
	s.pos += n + 2
	return bytes.Clone(rest[:n:n]), nil
}

// ReplyReader reads replies from a stream, such as a client's connection.
type ReplyReader struct {
	br     *bufio.Reader
	long   []byte // a line longer than br's buffer is gathered here
	inside bool   // part of the current reply has been read
}

// NewReplyReader reads from r through a bufio.Reader (r itself if it is
// one already).
func NewReplyReader(r io.Reader) *ReplyReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &ReplyReader{br: br}
}

// Read returns the next reply. An error reply from the server is a Value
// of KindError, not a Go error; Go errors are I/O errors (io.EOF between
// replies, io.ErrUnexpectedEOF inside one) and *ProtocolError for bytes
// that are not RESP.
func (r *ReplyReader) Read() (Value, error) {
	r.inside = false
	v, err := decode(r, 0)
	if err == io.EOF && r.inside {
		err = io.ErrUnexpectedEOF
	}
	if cap(r.long) > 64<<10 {
		r.long = nil // do not keep a rare huge line's buffer
	}
	return v, err
}

func (r *ReplyReader) line() ([]byte, error) {
	l, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Rare: a line longer than the buffer. Gather it, bounded by the
		// same limit the parser applies to request lines.
		r.long = append(r.long[:0], l...)
		for err == bufio.ErrBufferFull {
			if len(r.long) > MaxInline {
				return nil, protoErr("Protocol error: too big reply line")
			}
			l, err = r.br.ReadSlice('\n')
			r.long = append(r.long, l...)
		}
		l = r.long
	}
	if err != nil {
		if err == io.EOF && len(l) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	r.inside = true
	return trimCRLF(l)
}

func (r *ReplyReader) bulk(n int) ([]byte, error) {
	// Grow as bytes arrive rather than trusting the declared length: a
	// "$536870912" from a broken peer must not reserve 512 MiB at once.
	b := make([]byte, 0, min(n+2, 64<<10))
	for len(b) < n+2 {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		m, err := r.br.Read(b[len(b):min(cap(b), n+2)])
		b = b[:len(b)+m]
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	if b[n] != '\r' || b[n+1] != '\n' {
		return nil, protoErr("Protocol error: bulk not followed by CRLF")
	}
	return b[:n:n], nil
}

// decode reads one value, attributes first, from src. depth counts the
// enclosing aggregates.
func decode(src source, depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, errDepth
	}
	l, err := src.line()
	if err != nil {
		return Value{}, err
	}
	if len(l) == 0 {
		return Value{}, protoErr("Protocol error: empty reply line")
	}
	v := Value{Kind: Kind(l[0])}
	body := l[1:]
	switch v.Kind {
	case KindSimple, KindError, KindBigNumber:
		v.Str = bytes.Clone(body)
		if v.Str == nil {
			v.Str = []byte{}
		}
		if v.Kind == KindBigNumber && !isBigNumber(body) {
			return Value{}, protoErr("Protocol error: invalid big number")
		}
	case KindInt:
		if v.Int, err = strconv.ParseInt(string(body), 10, 64); err != nil {
			return Value{}, protoErr("Protocol error: invalid integer")
		}
	case KindNull:
		if len(body) != 0 {
			return Value{}, protoErr("Protocol error: invalid null")
		}
		v.Null = true
	case KindBool:
		switch string(body) {
		case "t":
			v.Bool = true
		case "f":
		default:
			return Value{}, protoErr("Protocol error: invalid boolean")
		}
	case KindDouble:
		v.Str = bytes.Clone(body)
		if v.Float, err = parseDouble(body); err != nil {
			return Value{}, err
		}
	case KindBulk, KindVerbatim, KindBlobError:
		return decodeBlob(src, v, body)
	case KindArray, KindSet, KindPush, KindMap, KindAttribute:
		return decodeAggregate(src, v, body, depth)
	default:
		return Value{}, protoErr("Protocol error: invalid reply type '" + string(l[:1]) + "'")
	}
	return v, nil
}

// decodeBlob reads the length-prefixed kinds: bulk, verbatim, blob error.
func decodeBlob(src source, v Value, body []byte) (Value, error) {
	n, ok := ParseInt(body)
	if ok && n == -1 && v.Kind == KindBulk {
		v.Null = true
		return v, nil
	}
	if !ok || n < 0 || n > MaxBulkLen {
		return Value{}, protoErr("Protocol error: invalid bulk length")
	}
	b, err := src.bulk(int(n))
	if err != nil {
		return Value{}, err
	}
	if v.Kind == KindVerbatim {
		if len(b) < 4 || b[3] != ':' {
			return Value{}, protoErr("Protocol error: invalid verbatim string")
		}
		v.Format, b = string(b[:3]), b[4:]
	}
	v.Str = b
	return v, nil
}

// decodeAggregate reads the elements of an array, set, push, map or
// attribute. An attribute is not returned itself: its pairs are attached
// to the value that follows it.
func decodeAggregate(src source, v Value, body []byte, depth int) (Value, error) {
	n, ok := ParseInt(body)
	if ok && n == -1 && v.Kind == KindArray {
		v.Null = true
		return v, nil
	}
	if !ok || n < 0 || n > maxMultibulk {
		return Value{}, protoErr("Protocol error: invalid aggregate length")
	}
	if v.Kind == KindMap || v.Kind == KindAttribute {
		n *= 2
	}
	v.Elems = make([]Value, 0, min(n, maxPrealloc))
	for i := int64(0); i < n; i++ {
		e, err := decode(src, depth+1)
		if err != nil {
			return Value{}, err
		}
		v.Elems = append(v.Elems, e)
	}
	if v.Kind != KindAttribute {
		return v, nil
	}
	next, err := decode(src, depth+1)
	if err != nil {
		return Value{}, err
	}
	next.Attrs = append(v.Elems, next.Attrs...)
	return next, nil
}

// parseDouble reads a RESP3 double: a decimal or exponent number, or one
// of Redis's spellings inf, -inf, nan (glibc may print -nan).
func parseDouble(b []byte) (float64, error) {
	switch string(b) {
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	case "nan", "-nan":
		return math.NaN(), nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, protoErr("Protocol error: invalid double")
	}
	return f, nil
}

func isBigNumber(b []byte) bool {
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
