package script

import (
	"regexp"
	"strings"
)

// gopher-lua reports a syntax error as
//
//	user_script line:1(column:9) near 'x':   syntax error
//	user_script at EOF:   syntax error
//
// where Lua 5.1 says "user_script:1: unexpected symbol near 'x'".
var (
	gopherSyntaxAt  = regexp.MustCompile(`^(\S+) line:(\d+)\(column:\d+\) near '(.*)':\s+(.*)$`)
	gopherSyntaxEOF = regexp.MustCompile(`^(\S+) at EOF:\s+(.*)$`)
)

// syntaxMessage rewords a gopher-lua compile error in Lua 5.1's shape:
// the position as name:line:, the end of input as '<eof>' on the last
// line (lines is the source's line count), and the catch-all "syntax
// error" as "unexpected symbol". Lua's more specific messages ("'end'
// expected ...") have no counterpart in gopher-lua's parser.
func syntaxMessage(msg string, lines int) string {
	msg = strings.TrimSpace(msg)
	var name, line, near, what string
	if m := gopherSyntaxAt.FindStringSubmatch(msg); m != nil {
		name, line, near, what = m[1], m[2], m[3], m[4]
	} else if m := gopherSyntaxEOF.FindStringSubmatch(msg); m != nil {
		name, line, near, what = m[1], itoa(lines), "<eof>", m[2]
	} else {
		return msg
	}
	if what == "syntax error" {
		what = "unexpected symbol"
	}
	return name + ":" + line + ": " + what + " near '" + near + "'"
}
