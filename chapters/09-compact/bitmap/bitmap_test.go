package bitmap

import (
	"bytes"
	"testing"
)

func TestCountAndPos(t *testing.T) {
	for _, tc := range []struct {
		in         string
		count      int64
		pos1, pos0 int64
	}{
		{"", 0, -1, 0},
		{"\x00", 0, -1, 0},
		{"\xff", 8, 0, 8},
		{"\xff\xf0", 12, 0, 12},
		{"\x00\x00\x01", 1, 23, 0},
		{"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 79, 0, 72},
		{"foobar", 26, 1, 0},
	} {
		if got := Count([]byte(tc.in)); got != tc.count {
			t.Errorf("Count(%q) = %d, want %d", tc.in, got, tc.count)
		}
		if got := Pos([]byte(tc.in), 1); got != tc.pos1 {
			t.Errorf("Pos(%q, 1) = %d, want %d", tc.in, got, tc.pos1)
		}
		if got := Pos([]byte(tc.in), 0); got != tc.pos0 {
			t.Errorf("Pos(%q, 0) = %d, want %d", tc.in, got, tc.pos0)
		}
	}
}

func TestApplyPadsShorterSourcesWithZeros(t *testing.T) {
	for _, tc := range []struct {
		op   Op
		srcs []string
		want string
	}{
		{And, []string{"\xff\xff", "\x0f"}, "\x0f\x00"},
		{And, []string{"\x0f", "\xff\xff"}, "\x0f\x00"},
		{Or, []string{"\x01", "\x02\x04", ""}, "\x03\x04"},
		{Xor, []string{"\xff\x01", "\x0f"}, "\xf0\x01"},
		{Not, []string{"\x0f\x00"}, "\xf0\xff"},
		{And, []string{"", ""}, ""},
	} {
		srcs := make([][]byte, len(tc.srcs))
		for i, s := range tc.srcs {
			srcs[i] = []byte(s)
		}
		if got := Apply(tc.op, srcs); !bytes.Equal(got, []byte(tc.want)) {
			t.Errorf("Apply(%d, %q) = %q, want %q", tc.op, tc.srcs, got, tc.want)
		}
	}
}

func TestFieldsAtAnyBitOffset(t *testing.T) {
	for _, tc := range []struct {
		off   uint64
		width int
		v     uint64
		want  string // the buffer after Set on 3 zero bytes
	}{
		{0, 8, 0xff, "\xff\x00\x00"},
		{4, 8, 0xff, "\x0f\xf0\x00"},
		{1, 1, 1, "\x40\x00\x00"},
		{7, 10, 0x3ff, "\x01\xff\x80"},
		{20, 4, 0xa, "\x00\x00\x0a"},
	} {
		p := make([]byte, 3)
		Set(p, tc.off, tc.width, tc.v)
		if string(p) != tc.want {
			t.Errorf("Set(off %d, %d bits, %#x) = %q, want %q", tc.off, tc.width, tc.v, p, tc.want)
		}
		if got := Get(p, tc.off, tc.width); got != tc.v {
			t.Errorf("Get(off %d, %d bits) = %#x, want %#x", tc.off, tc.width, got, tc.v)
		}
	}
	p := []byte{0xff, 0x80}
	if got := GetSigned(p, 0, 9); got != -1 {
		t.Errorf("GetSigned(i9 of ff80) = %d, want -1", got)
	}
	if got := GetSigned(p, 1, 8); got != -1 {
		t.Errorf("GetSigned(i8 at 1 of ff80) = %d, want -1", got)
	}
	if got := GetSigned([]byte{0x7f}, 0, 8); got != 127 {
		t.Errorf("GetSigned(i8 of 7f) = %d, want 127", got)
	}
}

// The cases Redis's BITFIELD tests (unit/bitfield.tcl) check, and the
// edges of 64-bit arithmetic.
func TestOverflowRules(t *testing.T) {
	for _, tc := range []struct {
		value, incr int64
		width       int
		signed      bool
		ow          Overflow
		want        int64
		over        bool
	}{
		{100, 1, 8, false, Wrap, 101, false},
		{255, 1, 8, false, Wrap, 0, true},
		{255, 1, 8, false, Sat, 255, true},
		{0, -1, 8, false, Sat, 0, true},
		{0, -1, 8, false, Wrap, 255, true},
		{10, -300, 8, false, Wrap, 222, true},
		{127, 1, 8, true, Wrap, -128, true},
		{127, 1, 8, true, Sat, 127, true},
		{-128, -1, 8, true, Sat, -128, true},
		{-128, -1, 8, true, Wrap, 127, true},
		{-100, -100, 8, true, Wrap, 56, true},
		{0, 0, 1, true, Wrap, 0, false},
		{1, 0, 1, true, Wrap, -1, true},
		{9223372036854775807, 1, 64, true, Wrap, -9223372036854775808, true},
		{9223372036854775807, 1, 64, true, Sat, 9223372036854775807, true},
		{-9223372036854775808, -1, 64, true, Sat, -9223372036854775808, true},
		{-5, 9223372036854775807, 64, true, Fail, 9223372036854775802, false},
		{300, 0, 8, false, Wrap, 44, true},
		{-1, 0, 8, false, Sat, 255, true}, // SET u8 -1: a huge unsigned value
	} {
		var got int64
		var over bool
		if tc.signed {
			got, over = AddSigned(tc.value, tc.incr, tc.width, tc.ow)
		} else {
			var u uint64
			u, over = AddUnsigned(uint64(tc.value), tc.incr, tc.width, tc.ow)
			got = int64(u)
		}
		if over != tc.over || (got != tc.want && tc.ow != Fail) {
			t.Errorf("add(%d, %d, %d bits signed=%v ow=%d) = %d, %v; want %d, %v",
				tc.value, tc.incr, tc.width, tc.signed, tc.ow, got, over, tc.want, tc.over)
		}
	}
}
