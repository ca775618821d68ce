package resp

// AppendRepr appends s quoted as Redis's sdscatrepr does: printable ASCII
// as it is, \\ \" \n \r \t \a \b escaped, any other byte as \xHH. It is
// the inverse of SplitArgs, so what it writes reads back as the same
// bytes; redis-cli prints replies, MONITOR prints commands and the AOF
// manifest quotes file names this way.
func AppendRepr(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, c := range s {
		switch c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if c >= ' ' && c <= '~' {
				b = append(b, c)
			} else {
				b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			}
		}
	}
	return append(b, '"')
}
