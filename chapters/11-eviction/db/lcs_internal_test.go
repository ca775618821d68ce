package db

import (
	"bytes"
	"testing"
)

// isSubsequence reports whether s can be read in order out of t.
func isSubsequence(s, t []byte) bool {
	for _, c := range t {
		if len(s) > 0 && s[0] == c {
			s = s[1:]
		}
	}
	return len(s) == 0
}

// lcsLen is the textbook length, computed independently (one row).
func lcsLen(a, b []byte) int {
	prev := make([]int, len(b)+1)
	for i := range a {
		cur := make([]int, len(b)+1)
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev = cur
	}
	return prev[len(b)]
}

// The subsequence is common to both strings and as long as any; each
// match is a run equal in both, within bounds, and the runs go from the
// ends of the strings back without overlapping.
func FuzzComputeLCS(f *testing.F) {
	for _, s := range [][2]string{{"ohmytext", "mynewtext"}, {"", "x"}, {"aaaa", "aa"}, {"abcabcabc", "cbacba"}} {
		f.Add([]byte(s[0]), []byte(s[1]), int64(0))
	}
	f.Fuzz(func(t *testing.T, a, b []byte, minLen int64) {
		if len(a) > 300 || len(b) > 300 {
			return
		}
		minLen = max(minLen, 0)
		result, matches := computeLCS(a, b, true, minLen)
		if !isSubsequence(result, a) || !isSubsequence(result, b) || len(result) != lcsLen(a, b) {
			t.Fatalf("LCS(%q, %q) = %q, want a common subsequence of length %d", a, b, result, lcsLen(a, b))
		}
		lastA, lastB := len(a), len(b)
		for _, m := range matches {
			if m.aStart < 0 || m.aEnd >= lastA || m.bEnd >= lastB || m.aStart > m.aEnd || m.aEnd-m.aStart != m.bEnd-m.bStart {
				t.Fatalf("LCS(%q, %q): bad match %+v", a, b, m)
			}
			if !bytes.Equal(a[m.aStart:m.aEnd+1], b[m.bStart:m.bEnd+1]) {
				t.Fatalf("LCS(%q, %q): match %+v differs", a, b, m)
			}
			if minLen > 0 && int64(m.aEnd-m.aStart+1) < minLen {
				t.Fatalf("LCS(%q, %q): match %+v shorter than %d", a, b, m, minLen)
			}
			lastA, lastB = m.aStart, m.bStart
		}
	})
}
