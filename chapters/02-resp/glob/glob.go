// Package glob matches strings against Redis's glob-style patterns, the
// language of KEYS, SCAN MATCH, PSUBSCRIBE and CONFIG GET.
//
// It follows Redis's stringmatchlen (util.c) rule for rule, so a pattern
// selects exactly the keys it selects in Redis:
//
//   - any run of bytes, including none
//     ?      exactly one byte
//     [abc]  one of a, b, c;  [^abc] none of them;  [a-z] a range
//     \x     the byte x itself (so \* is a literal star)
package glob

// Match reports whether str matches pattern. As in Redis, an empty str
// matches nothing, not even "*": KEYS and SCAN treat a lone "*" as "all
// keys" before they get here. With nocase, ASCII letters
// compare without regard to case (CONFIG GET matches that way).
func Match(pattern, str []byte, nocase bool) bool {
	skipLongerMatches := false
	return match(pattern, str, nocase, &skipLongerMatches, 0)
}

// MatchString is Match for strings (CONFIG GET's parameter names).
func MatchString(pattern, str string, nocase bool) bool {
	return Match([]byte(pattern), []byte(str), nocase)
}

// maxNesting bounds the recursion on '*' the way Redis 7 does, so a hostile
// pattern such as "a*a*a*a*...b" cannot take exponential time or blow the stack.
const maxNesting = 1000

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func match(p, s []byte, nocase bool, skipLongerMatches *bool, nesting int) bool {
	if nesting > maxNesting {
		return false
	}
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if match(p[1:], s, nocase, skipLongerMatches, nesting+1) {
					return true
				}
				if *skipLongerMatches {
					return false
				}
				s = s[1:]
			}
			// No match for the rest of the pattern at any longer length
			// either: tell the callers above to stop trying.
			*skipLongerMatches = true
			return false
		case '?':
			s = s[1:]
		case '[':
			p = p[1:]
			not := len(p) > 0 && p[0] == '^'
			if not {
				p = p[1:]
			}
			matched := false
			for {
				if len(p) > 0 && p[0] == '\\' && len(p) >= 2 {
					p = p[1:]
					if p[0] == s[0] {
						matched = true
					}
				} else if len(p) > 0 && p[0] == ']' {
					break
				} else if len(p) == 0 {
					// Unterminated class: Redis treats the end of the
					// pattern as closing it.
					p = p[:0:0]
					break
				} else if len(p) >= 3 && p[1] == '-' {
					start, end := p[0], p[2]
					c := s[0]
					if start > end {
						start, end = end, start
					}
					if nocase {
						start, end, c = lower(start), lower(end), lower(c)
					}
					p = p[2:]
					if c >= start && c <= end {
						matched = true
					}
				} else {
					if nocase {
						if lower(p[0]) == lower(s[0]) {
							matched = true
						}
					} else if p[0] == s[0] {
						matched = true
					}
				}
				p = p[1:]
			}
			if not {
				matched = !matched
			}
			if !matched {
				return false
			}
			s = s[1:]
			if len(p) == 0 {
				// Redis steps back so the loop's increment lands on the end.
				return len(s) == 0
			}
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if nocase {
				if lower(p[0]) != lower(s[0]) {
					return false
				}
			} else if p[0] != s[0] {
				return false
			}
			s = s[1:]
		}
		p = p[1:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}
