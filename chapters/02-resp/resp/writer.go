package resp

import (
	"math"
	"strconv"
)

// Writer appends replies to B in the protocol of one connection. Proto is
// 2 or 3 (0 counts as 2, the protocol every connection starts in); for
// Proto 2 the RESP3-only types are downgraded the way Redis 7.0 does.
//
// Writer only appends: the owner sends B and then truncates it
// (w.B = w.B[:0]) so the same backing array serves every reply and the
// steady state allocates nothing.
type Writer struct {
	B     []byte
	Proto int
}

func (w *Writer) resp3() bool { return w.Proto >= 3 }

// header appends a type byte, a decimal length or value, and CRLF: the
// shape shared by ":", "$", "*", "%", "~", ">" and "|".
func (w *Writer) header(t byte, n int64) { w.B = appendHeader(w.B, t, n) }

func appendHeader(b []byte, t byte, n int64) []byte {
	b = append(b, t)
	b = strconv.AppendInt(b, n, 10)
	return append(b, '\r', '\n')
}

// SimpleString writes "+s\r\n". s must not contain CR or LF; replies built
// from user data belong in a bulk string.
func (w *Writer) SimpleString(s string) {
	w.B = append(w.B, '+')
	w.B = append(w.B, s...)
	w.B = append(w.B, '\r', '\n')
}

// Error writes "-msg\r\n". msg starts with the error code ("ERR syntax
// error", "WRONGTYPE ..."); a leading '-' is tolerated and not doubled.
// Like Redis's addReplyErrorFormat, CR and LF at either end are trimmed and
// the ones inside become spaces: an error is one line, and a newline taken
// from user input (an unknown command name, say) must not break framing.
func (w *Writer) Error(msg string) {
	if len(msg) > 0 && msg[0] == '-' {
		msg = msg[1:]
	}
	w.B = append(w.B, '-')
	w.appendLine(msg)
	w.B = append(w.B, '\r', '\n')
}

// appendLine appends msg trimmed of CR/LF at both ends with inner CR/LF
// mapped to spaces (sdstrim + sdsmapchars in Redis).
func (w *Writer) appendLine(msg string) {
	for len(msg) > 0 && (msg[0] == '\r' || msg[0] == '\n') {
		msg = msg[1:]
	}
	for len(msg) > 0 && (msg[len(msg)-1] == '\r' || msg[len(msg)-1] == '\n') {
		msg = msg[:len(msg)-1]
	}
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		w.B = append(w.B, c)
	}
}

// Int writes ":n\r\n".
func (w *Writer) Int(n int64) { w.header(':', n) }

// Bulk writes a bulk string: "$len\r\n" b "\r\n". A nil b is an empty
// string, not a null: use Null for that.
func (w *Writer) Bulk(b []byte) { w.B = AppendBulk(w.B, b) }

// BulkString is Bulk for a string, without a conversion that would copy.
func (w *Writer) BulkString(s string) { w.B = AppendBulk(w.B, s) }

// Null writes a missing value: "$-1\r\n" in RESP2 (the null bulk string),
// "_\r\n" in RESP3.
func (w *Writer) Null() {
	if w.resp3() {
		w.B = append(w.B, "_\r\n"...)
		return
	}
	w.B = append(w.B, "$-1\r\n"...)
}

// NullArray writes a missing aggregate: "*-1\r\n" in RESP2 (what BLPOP
// returns on timeout, for example), "_\r\n" in RESP3.
func (w *Writer) NullArray() {
	if w.resp3() {
		w.B = append(w.B, "_\r\n"...)
		return
	}
	w.B = append(w.B, "*-1\r\n"...)
}

// Double writes f as Redis 7.0's addReplyDouble does: infinities as
// "inf"/"-inf", everything else as C's "%.17g" (17 significant digits,
// trailing zeros dropped, exponent form below 1e-4 and from 1e17), for
// example 1.1 -> "1.1000000000000001". RESP3 sends ",<text>\r\n"; RESP2 a
// bulk string of the same text.
func (w *Writer) Double(f float64) {
	if w.resp3() {
		w.B = append(w.B, ',')
		w.B = AppendDouble(w.B, f)
		w.B = append(w.B, '\r', '\n')
		return
	}
	// The length prefix needs the text first: format at the end of B,
	// then write the header in front of it by shifting (at most 24 bytes).
	start := len(w.B)
	w.B = AppendDouble(w.B, f)
	text := len(w.B) - start
	var hdr [8]byte
	h := append(hdr[:0], '$')
	h = strconv.AppendInt(h, int64(text), 10)
	h = append(h, '\r', '\n')
	w.B = append(w.B, h...) // room for the header
	copy(w.B[start+len(h):], w.B[start:start+text])
	copy(w.B[start:], h)
	w.B = append(w.B, '\r', '\n')
}

// AppendDouble formats f like glibc's printf("%.17g") plus Redis's
// explicit inf/-inf. Go's 'g' with precision 17 follows the same rules as
// C's %g (significant digits, trailing zeros removed, two-digit exponent);
// only the non-finite spellings differ, so those are written by hand.
// It is also the text of a score in the AOF (rio's rioWriteBulkDouble).
func AppendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}

// AppendD2String formats f as Redis 7.0's d2string, the text a listpack
// stores for a sorted-set score (so what ZSCAN of a small sorted set and an
// RDB file show): an integral value of magnitude up to 2^62 (double2ll's
// exact range) in integer digits, "0" and "-0", "inf", "-inf", "nan", and
// anything else as AppendDouble's "%.17g". 1e17 is "100000000000000000"
// here and "1e+17" there.
func AppendD2String(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case f == 0:
		if math.Signbit(f) {
			return append(b, "-0"...)
		}
		return append(b, '0')
	case f >= -(1<<62) && f <= 1<<62 && f == math.Trunc(f):
		return strconv.AppendInt(b, int64(f), 10)
	}
	return AppendDouble(b, f)
}

// Bool writes "#t\r\n"/"#f\r\n" in RESP3 and the integers 1/0 in RESP2.
func (w *Writer) Bool(b bool) {
	if w.resp3() {
		if b {
			w.B = append(w.B, "#t\r\n"...)
		} else {
			w.B = append(w.B, "#f\r\n"...)
		}
		return
	}
	if b {
		w.B = append(w.B, ":1\r\n"...)
	} else {
		w.B = append(w.B, ":0\r\n"...)
	}
}

// BigNumber writes an integer too large for int64, given as its decimal
// digits: "(s\r\n" in RESP3, a bulk string in RESP2.
func (w *Writer) BigNumber(s string) {
	if w.resp3() {
		w.B = append(w.B, '(')
		w.B = append(w.B, s...)
		w.B = append(w.B, '\r', '\n')
		return
	}
	w.BulkString(s)
}

// Verbatim writes text meant to be shown as is, with a three-letter
// format ("txt", "mkd"): "=len\r\nfmt:s\r\n" in RESP3, a bulk string of s
// in RESP2. Redis uses it for INFO, CLIENT LIST and LATENCY DOCTOR.
func (w *Writer) Verbatim(format, s string) {
	if !w.resp3() {
		w.BulkString(s)
		return
	}
	w.header('=', int64(len(s)+4))
	w.B = append(w.B, format...)
	w.B = append(w.B, ':')
	w.B = append(w.B, s...)
	w.B = append(w.B, '\r', '\n')
}

// BlobError writes an error that may contain any bytes: "!len\r\nmsg\r\n"
// in RESP3. RESP2 has no such type, so it becomes a simple error with
// newlines mapped to spaces, as Error does.
func (w *Writer) BlobError(msg string) {
	if !w.resp3() {
		w.Error(msg)
		return
	}
	w.header('!', int64(len(msg)))
	w.B = append(w.B, msg...)
	w.B = append(w.B, '\r', '\n')
}

// Array starts an array of n elements; the caller writes them next.
func (w *Writer) Array(n int) { w.header('*', int64(n)) }

// Map starts a map of n key/value pairs: "%n" in RESP3; in RESP2 a flat
// array of 2n elements, key, value, key, value ... (HGETALL's shape).
func (w *Writer) Map(n int) {
	if w.resp3() {
		w.header('%', int64(n))
		return
	}
	w.header('*', 2*int64(n))
}

// Set starts a set of n elements: "~n" in RESP3, an array in RESP2.
func (w *Writer) Set(n int) {
	if w.resp3() {
		w.header('~', int64(n))
		return
	}
	w.header('*', int64(n))
}

// Push starts an out-of-band message of n elements (pub/sub, client
// tracking): ">n" in RESP3, an array in RESP2.
func (w *Writer) Push(n int) {
	if w.resp3() {
		w.header('>', int64(n))
		return
	}
	w.header('*', int64(n))
}

// Attribute starts n key/value pairs of metadata about the value that
// follows ("|n" in RESP3) and reports true. RESP2 cannot carry them: it
// writes nothing and reports false, and the caller skips the pairs.
func (w *Writer) Attribute(n int) bool {
	if !w.resp3() {
		return false
	}
	w.header('|', int64(n))
	return true
}

// Raw appends already encoded bytes, for example a reply cached whole.
func (w *Writer) Raw(b []byte) { w.B = append(w.B, b...) }

// AppendCommand appends a client request in the form every Redis server
// accepts, an array of bulk strings: *N\r\n then $len\r\narg\r\n per arg.
// The AOF stores commands in the same form.
func AppendCommand(b []byte, args ...[]byte) []byte {
	b = AppendArrayHeader(b, len(args))
	for _, a := range args {
		b = AppendBulk(b, a)
	}
	return b
}

// AppendArrayHeader appends "*n\r\n", the start of a command of n words;
// n bulk strings (AppendBulk) follow. A writer that has its words in
// different forms (the AOF rewrite: a command name, a key held as a
// string, a value in bytes) builds a command with these two.
func AppendArrayHeader(b []byte, n int) []byte { return appendHeader(b, '*', int64(n)) }

// AppendBulk appends s as a bulk string, "$len\r\n" s "\r\n": one word
// of a command, on the wire or in the AOF, and a bulk reply. s may be a
// string or a []byte; neither is copied first.
func AppendBulk[S string | []byte](b []byte, s S) []byte {
	b = appendHeader(b, '$', int64(len(s)))
	b = append(b, s...)
	return append(b, '\r', '\n')
}
