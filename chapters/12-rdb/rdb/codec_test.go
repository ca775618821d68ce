package rdb

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestCRC64MatchesRedisCheckValue(t *testing.T) {
	// crc64.c's self test: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
	if got := crc64Update(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64 = %016x", got)
	}
	// Updating in pieces, through both loops, gives the same as at once.
	for _, cut := range []int{1, 3, 8, 13, 4000} {
		if a, b := crc64Update(crc64Update(0, []byte("123456789")[:min(cut, 9)]), []byte("123456789")[min(cut, 9):]), uint64(0xe9c6d914c4b8d9ca); a != b {
			t.Fatalf("cut at %d: %016x", cut, a)
		}
	}
	long := bytes.Repeat([]byte("gocache"), 1000)
	if a, b := crc64Update(crc64Update(0, long[:3]), long[3:]), crc64Update(0, long); a != b {
		t.Fatalf("split %016x, whole %016x", a, b)
	}
}

func TestLZFRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := [][]byte{
		bytes.Repeat([]byte("a"), 21),
		bytes.Repeat([]byte("abc"), 1000),
		[]byte(strings.Repeat("hello world ", 50)),
	}
	for range 200 {
		b := make([]byte, rng.IntN(3000)+21)
		alphabet := rng.IntN(4) + 1
		for i := range b {
			b[i] = byte('a' + rng.IntN(alphabet))
		}
		inputs = append(inputs, b)
	}
	for _, in := range inputs {
		c := lzfCompress(in, len(in)-4)
		if c == nil {
			t.Fatalf("%q did not compress", in[:min(len(in), 40)])
		}
		out, err := lzfDecompress(c, len(in))
		if err != nil || !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes: %v", len(in), err)
		}
	}
	random := make([]byte, 100)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	if lzfCompress(random, len(random)-4) != nil {
		t.Fatal("random bytes compressed by 4 bytes or more")
	}
}

func TestLZFCompressesAsLiblzf(t *testing.T) {
	// Outputs of lzf_c.c as Redis configures it (HLOG 16, VERY_FAST), its
	// hash table cleared first.
	for _, tt := range []struct{ in, hex string }{
		{strings.Repeat("a", 21), "016161e00a00"},
		{"the cache and the snapshot and the cache and the log", "0674686520636163200504616e642074200707736e617073686f74e00010e0051e026c6f67"},
		{strings.Repeat("ab", 300), "02616261e0ff01e0ff01e03a01016162"},
	} {
		if got := hex.EncodeToString(lzfCompress([]byte(tt.in), len(tt.in)-4)); got != tt.hex {
			t.Errorf("%.30q...: got %s, want %s", tt.in, got, tt.hex)
		}
	}
}

func TestListpackEntryEncodings(t *testing.T) {
	// Entry bytes as listpack.c encodes them (encoding, data, backlen).
	tests := []struct {
		elem string
		hex  string
	}{
		{"0", "0001"},
		{"127", "7f01"},
		{"128", "c08002"},
		{"-1", "dfff02"},
		{"-4096", "d00002"},
		{"4095", "cfff02"},
		{"4096", "f1001003"},
		{"-32768", "f1008003"},
		{"32768", "f200800004"},
		{"-8388608", "f200008004"},
		{"8388608", "f30000800005"},
		{"2147483648", "f4000000800000000009"},
		{"-9223372036854775808", "f4000000000000008009"},
		{"", "8001"},
		{"abc", "8361626304"},
		{"007", "8330303704"},
		{"-0", "822d3003"},
		{strings.Repeat("x", 64), "e040" + strings.Repeat("78", 64) + "42"},
	}
	for _, tt := range tests {
		got := hex.EncodeToString(lpAppendEntry(nil, []byte(tt.elem)))
		if got != tt.hex {
			t.Errorf("%q: got %s, want %s", tt.elem, got, tt.hex)
		}
		lp := buildListpack([][]byte{[]byte(tt.elem)})
		back, err := parseListpack(lp)
		if err != nil || len(back) != 1 || string(back[0]) != tt.elem {
			t.Errorf("%q: parsed back as %q, %v", tt.elem, back, err)
		}
	}
}

func TestBacklenSizes(t *testing.T) {
	for _, tt := range []struct {
		l    int
		want string
	}{{1, "01"}, {127, "7f"}, {128, "0180"}, {16383, "7fff"}, {16384, "018080"}} {
		if got := hex.EncodeToString(lpAppendBacklen(nil, tt.l)); got != tt.want {
			t.Errorf("backlen %d = %s, want %s", tt.l, got, tt.want)
		}
	}
}
