package packaging

import (
	"bytes"
	"fmt"
)

// StripJSONC turns JSON with comments (the dialect of devcontainer.json and
// VS Code settings) into plain JSON: it blanks out // and /* */ comments and
// drops trailing commas before } or ], leaving string contents alone. Comments
// become spaces and newlines stay, so line numbers in a later JSON error still
// point at the original file.
func StripJSONC(src []byte) ([]byte, error) {
	out, err := blankComments(src)
	if err != nil {
		return nil, err
	}
	return dropTrailingCommas(out), nil
}

// blankComments copies src with every comment replaced by spaces (newlines
// kept). It tracks strings so that "http://x" or "/* not a comment */" inside
// a string value stays as written.
func blankComments(src []byte) ([]byte, error) {
	out := bytes.Clone(src)
	line := 1
	for i := 0; i < len(out); i++ {
		switch c := out[i]; {
		case c == '\n':
			line++
		case c == '"':
			end, err := stringEnd(out, i)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			i = end
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
			i-- // let the loop see the newline and count it
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			start := line
			out[i], out[i+1] = ' ', ' '
			i += 2
			for ; i+1 < len(out) && !(out[i] == '*' && out[i+1] == '/'); i++ {
				if out[i] == '\n' {
					line++
				} else {
					out[i] = ' '
				}
			}
			if i+1 >= len(out) {
				return nil, fmt.Errorf("line %d: unterminated /* comment", start)
			}
			out[i], out[i+1] = ' ', ' '
			i++
		}
	}
	return out, nil
}

// stringEnd returns the index of the quote that closes the string opening at
// b[start], skipping backslash escapes.
func stringEnd(b []byte, start int) (int, error) {
	for i := start + 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i, nil
		case '\n':
			return 0, fmt.Errorf("newline inside a string")
		}
	}
	return 0, fmt.Errorf("unterminated string")
}

// dropTrailingCommas removes each comma (outside strings) whose next
// non-blank character is } or ]. It runs after blankComments, so a comment
// between the comma and the bracket is already whitespace.
func dropTrailingCommas(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '"' {
			end, err := stringEnd(b, i)
			if err != nil { // blankComments has seen every string already
				end = len(b) - 1
			}
			out = append(out, b[i:end+1]...)
			i = end
			continue
		}
		if c == ',' {
			j := i + 1
			for j < len(b) && isBlank(b[j]) {
				j++
			}
			if j < len(b) && (b[j] == '}' || b[j] == ']') {
				out = append(out, ' ')
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
