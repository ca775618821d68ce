package stream

import (
	"math/big"
	"strings"
	"testing"
)

// FuzzParseID checks ParseID against a slow reading of the same rules:
// a decimal ms (and seq) that fits 64 bits after strtoull's leading
// spaces and sign, "-" and "+" when not strict, "<ms>-*" when allowed.
// What it accepts prints back as an ID that parses to itself.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"0-0", "1-2", "5", "-", "+", "1-*", "18446744073709551615-18446744073709551615",
		"18446744073709551616", " 7-1", "-1", "+3-4", "1-2-3", "1-", "", "\x001", "00012-007"} {
		f.Add(s, false, true)
	}
	f.Fuzz(func(t *testing.T, in string, strict, autoSeq bool) {
		id, seqGiven, ok := ParseID([]byte(in), 7, strict, autoSeq)
		wantID, wantSeqGiven, wantOK := slowParseID(in, 7, strict, autoSeq)
		if ok != wantOK || ok && (id != wantID || seqGiven != wantSeqGiven) {
			t.Fatalf("ParseID(%q, strict %v, autoSeq %v) = %v %v %v; want %v %v %v", in, strict, autoSeq, id, seqGiven, ok, wantID, wantSeqGiven, wantOK)
		}
		if ok {
			if back, _, ok := ParseID([]byte(id.String()), 0, true, false); !ok || back != id {
				t.Fatalf("%v does not read back: %v %v", id, back, ok)
			}
		}
	})
}

func slowParseID(in string, missing uint64, strict, autoSeq bool) (ID, bool, bool) {
	if len(in) > 127 {
		return ID{}, false, false
	}
	if i := strings.IndexByte(in, 0); i >= 0 {
		in = in[:i]
	}
	switch {
	case in == "-" && !strict:
		return ID{}, true, true
	case in == "+" && !strict:
		return MaxID, true, true
	case in == "-" || in == "+":
		return ID{}, false, false
	}
	msPart, seqPart, dash := strings.Cut(in, "-")
	ms, ok := slowUint(msPart)
	if !ok {
		return ID{}, false, false
	}
	if !dash {
		return ID{ms, missing}, true, true
	}
	if autoSeq && seqPart == "*" {
		return ID{ms, 0}, false, true
	}
	seq, ok := slowUint(seqPart)
	return ID{ms, seq}, true, ok
}

// slowUint is strtoull over the whole string with math/big: spaces, then
// an optional sign, then at least one digit and nothing else; a negative
// value wraps modulo 2^64; more than 64 bits is out of range. A canonical
// negative integer ("-5") is refused first, as string2ull does.
func slowUint(s string) (uint64, bool) {
	if len(s) > 1 && s[0] == '-' && s[1] >= '1' && s[1] <= '9' && len(s) <= 20 && strings.Trim(s[1:], "0123456789") == "" {
		if n, ok := new(big.Int).SetString(s, 10); ok && n.IsInt64() {
			return 0, false
		}
	}
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg, s = s[0] == '-', s[1:]
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, _ := new(big.Int).SetString(s, 10)
	if n.BitLen() > 64 {
		return 0, false
	}
	v := n.Uint64()
	if neg {
		v = -v
	}
	return v, true
}
