package main

import (
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// The functions in this file turn one reply into the text redis-cli prints
// for it. They are pure (a resp.Value in, a string out) so every reply type
// can be checked in a table against what redis-cli 7 prints for the same
// bytes.

// formatTTY renders v the way redis-cli renders replies on a terminal
// (cliFormatReplyTTY): strings quoted and escaped, "(integer) 1", "(nil)",
// numbered aggregates whose nested elements line up under their parent.
func formatTTY(v resp.Value) string {
	return string(appendTTY(nil, v, ""))
}

// appendTTY appends v to b. prefix is the indentation that every line of
// v except its first one needs: the parent has already written the index
// ("2) ") in front of v's first line.
func appendTTY(b []byte, v resp.Value, prefix string) []byte {
	switch v.Kind {
	case resp.KindError, resp.KindBlobError:
		b = append(b, "(error) "...)
		b = append(b, v.Str...)
	case resp.KindSimple:
		b = append(b, v.Str...)
	case resp.KindInt:
		b = append(b, "(integer) "...)
		b = strconv.AppendInt(b, v.Int, 10)
	case resp.KindDouble:
		b = append(b, "(double) "...)
		b = append(b, doubleText(v)...)
	case resp.KindBigNumber:
		b = append(b, "(big number) "...)
		b = append(b, v.Str...)
	case resp.KindBool:
		b = append(b, boolText(v.Bool)...)
	case resp.KindVerbatim:
		// Verbatim strings are meant to be shown as they are (they hold
		// text such as INFO or LATENCY DOCTOR output), so no quoting.
		b = append(b, v.Str...)
	case resp.KindBulk:
		if v.Null {
			b = append(b, "(nil)"...)
		} else {
			b = resp.AppendRepr(b, v.Str)
		}
	case resp.KindArray, resp.KindSet, resp.KindMap, resp.KindPush:
		if v.Null {
			b = append(b, "(nil)"...)
			break
		}
		return appendAggregateTTY(b, v, prefix)
	default: // '_' and anything this client does not know
		b = append(b, "(nil)"...)
	}
	return append(b, '\n')
}

// appendAggregateTTY prints arrays ("1)"), sets ("1~"), maps ("1#" and
// "key => value") and pushes ("1)"). Indexes are right-aligned to the
// width of the largest one, and nested aggregates are indented by that
// width plus two, exactly as redis-cli does.
func appendAggregateTTY(b []byte, v resp.Value, prefix string) []byte {
	n := len(v.Elems)
	if v.Kind == resp.KindMap {
		n /= 2
	}
	if n == 0 {
		return append(b, emptyName(v.Kind)...)
	}
	width := len(strconv.Itoa(n))
	inner := prefix + spaces(width+2)
	sep := byte(')')
	switch v.Kind {
	case resp.KindSet:
		sep = '~'
	case resp.KindMap:
		sep = '#'
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, prefix...)
		}
		idx := strconv.Itoa(i + 1)
		b = append(b, spaces(width-len(idx))...)
		b = append(b, idx...)
		b = append(b, sep, ' ')
		if v.Kind != resp.KindMap {
			b = appendTTY(b, v.Elems[i], inner)
			continue
		}
		key, val := v.Elems[2*i], v.Elems[2*i+1]
		b = appendTTY(b, key, inner)
		b = append(b[:len(b)-1], " => "...) // replace the key's newline
		if multiline(val) {
			// Start a multi-line value on its own line so that its
			// indexes line up with each other.
			b = append(b, '\n')
			b = append(b, inner...)
		}
		b = appendTTY(b, val, inner)
	}
	return b
}

// multiline reports whether appendTTY prints v over several lines
// (redis-cli's cliIsMultilineValueTTY).
func multiline(v resp.Value) bool {
	switch v.Kind {
	case resp.KindArray, resp.KindSet, resp.KindPush:
		if len(v.Elems) == 1 {
			return multiline(v.Elems[0])
		}
		return len(v.Elems) > 1
	case resp.KindMap:
		if len(v.Elems) == 2 {
			return multiline(v.Elems[1])
		}
		return len(v.Elems) > 2
	}
	return false
}

func emptyName(k resp.Kind) string {
	switch k {
	case resp.KindMap:
		return "(empty hash)\n"
	case resp.KindSet:
		return "(empty set)\n"
	case resp.KindPush:
		return "(empty push)\n"
	}
	return "(empty array)\n"
}

// formatRaw renders v as redis-cli --raw does (cliFormatReplyRaw): bare
// values, aggregate elements one per line, map pairs as "key value", nil
// as nothing. The caller adds the newline that ends a reply.
func formatRaw(v resp.Value) string {
	return string(appendRaw(nil, v))
}

func appendRaw(b []byte, v resp.Value) []byte {
	switch v.Kind {
	case resp.KindError, resp.KindBlobError:
		b = append(b, v.Str...)
		b = append(b, '\n')
	case resp.KindSimple, resp.KindVerbatim, resp.KindBigNumber:
		b = append(b, v.Str...)
	case resp.KindBulk:
		b = append(b, v.Str...) // empty when nil
	case resp.KindInt:
		b = strconv.AppendInt(b, v.Int, 10)
	case resp.KindDouble:
		b = append(b, doubleText(v)...)
	case resp.KindBool:
		b = append(b, boolText(v.Bool)...)
	case resp.KindArray, resp.KindSet, resp.KindPush:
		for i, e := range v.Elems {
			if i > 0 {
				b = append(b, '\n')
			}
			b = appendRaw(b, e)
		}
	case resp.KindMap:
		for i := 0; i+1 < len(v.Elems); i += 2 {
			if i > 0 {
				b = append(b, '\n')
			}
			b = appendRaw(b, v.Elems[i])
			b = append(b, ' ')
			b = appendRaw(b, v.Elems[i+1])
		}
	}
	return b
}

// isInvalidate reports whether v is a client-side caching invalidation
// push, which redis-cli shows on a terminal as "-> invalidate: 'k1', 'k2'".
func isInvalidate(v resp.Value) bool {
	return v.Kind == resp.KindPush && len(v.Elems) == 2 &&
		v.Elems[0].Kind == resp.KindBulk && string(v.Elems[0].Str) == "invalidate" &&
		v.Elems[1].Kind == resp.KindArray
}

func formatInvalidate(v resp.Value) string {
	b := []byte("-> invalidate: ")
	for i, k := range v.Elems[1].Elems {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '\'')
		b = append(b, k.Str...)
		b = append(b, '\'')
	}
	return string(append(b, '\n'))
}

// doubleText is the double as the server sent it ("3.141", "inf"): that
// text is what redis-cli shows, so the float is only a fallback.
func doubleText(v resp.Value) string {
	if len(v.Str) > 0 {
		return string(v.Str)
	}
	return strconv.FormatFloat(v.Float, 'g', 17, 64)
}

func boolText(t bool) string {
	if t {
		return "(true)"
	}
	return "(false)"
}

func spaces(n int) string { return strings.Repeat(" ", n) }
