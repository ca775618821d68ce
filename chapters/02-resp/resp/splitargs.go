package resp

import "errors"

// errUnbalanced is SplitArgs's only error. Redis's sdssplitargs just
// returns NULL; the inline parser turns that into
// "Protocol error: unbalanced quotes in request".
var errUnbalanced = errors.New("unbalanced quotes")

// SplitArgs splits a line into arguments exactly as Redis's sdssplitargs
// does. Inline commands, redis-cli style input and configuration files all
// go through it:
//
//   - blanks (space, \t, \n, \r, \v, \f) separate arguments;
//   - "double quotes" understand \n \r \t \b \a, \xHH (two hex digits)
//     and a backslash before any other byte stands for that byte;
//   - 'single quotes' understand only \' ;
//   - a closing quote must be followed by a blank or the end of the line,
//     and a quote that is never closed is an error ("unbalanced quotes");
//   - quotes may start in the middle of an argument: a"b c" is "ab c".
//
// Like the C original it reads a NUL byte as the end of the line; write
// "\x00" inside double quotes to pass one.
func SplitArgs(line string) ([]string, error) {
	buf := []byte(line)
	args, ok := splitInPlace(buf, nil)
	if !ok {
		return nil, errUnbalanced
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out, nil
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// splitInPlace is sdssplitargs working inside line itself: an unescaped
// argument is never longer than its source text, so the decoded bytes are
// written over the bytes already read and every argument is a slice of
// line. That is what lets the inline parser hand out arguments without
// allocating. It appends to argv and reports false on unbalanced quotes.
func splitInPlace(line []byte, argv [][]byte) ([][]byte, bool) {
	// at returns the byte at i, or 0 past the end: the C code walks a
	// NUL-terminated string and relies on that terminator everywhere.
	at := func(i int) byte {
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	p := 0
	for {
		for at(p) != 0 && isSpace(at(p)) {
			p++
		}
		if at(p) == 0 {
			return argv, true
		}
		start, w := p, p // w: write cursor, never ahead of p
		inq, insq, done := false, false, false
		for !done {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					line[w] = unhex(at(p+2))<<4 | unhex(at(p+3))
					w++
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					e := at(p)
					switch e {
					case 'n':
						e = '\n'
					case 'r':
						e = '\r'
					case 't':
						e = '\t'
					case 'b':
						e = '\b'
					case 'a':
						e = '\a'
					}
					line[w] = e
					w++
				case c == '"':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return argv, false
					}
					done = true
				case c == 0:
					return argv, false
				default:
					line[w] = c
					w++
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					line[w] = '\''
					w++
				case c == '\'':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return argv, false
					}
					done = true
				case c == 0:
					return argv, false
				default:
					line[w] = c
					w++
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					line[w] = c
					w++
				}
			}
			if at(p) != 0 {
				p++
			}
		}
		argv = append(argv, line[start:w:w])
	}
}
