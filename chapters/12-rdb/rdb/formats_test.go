package rdb

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

// The vectors here are built byte by byte from the format descriptions in
// Redis's rdb.c, ziplist.c, zipmap.c, intset.c and listpack.c, for the
// encodings Redis 6 and older wrote, which no Redis on this machine can
// produce any more.

func TestLengthEncodings(t *testing.T) {
	for _, tt := range []struct {
		n    uint64
		want string
	}{{0, "00"}, {63, "3f"}, {64, "4040"}, {16383, "7fff"}, {16384, "8000004000"},
		{1<<32 - 1, "80ffffffff"}, {1 << 32, "810000000100000000"}} {
		if got := hex.EncodeToString(appendLen(nil, tt.n)); got != tt.want {
			t.Errorf("%d: %s, want %s", tt.n, got, tt.want)
		}
		r := byteReader(append(appendLen(nil, tt.n), 0xff))
		if n, enc, err := r.readLen(); n != tt.n || enc || err != nil {
			t.Errorf("%s read back as %d %v %v", tt.want, n, enc, err)
		}
	}
}

func byteReader(b []byte) *reader {
	return NewDecoder(bytes.NewReader(b), "test").readerForTest()
}

func (d *Decoder) readerForTest() *reader { d.r.version = Version; return &d.r }

func TestZiplistFromRedisComment(t *testing.T) {
	// ziplist.c's own example: a ziplist holding "2" and "5".
	zl, _ := hex.DecodeString("0f0000000c0000000200" + "00f3" + "02f6" + "ff")
	got, err := parseZiplist(zl)
	if err != nil || len(got) != 2 || string(got[0]) != "2" || string(got[1]) != "5" {
		t.Fatalf("%q %v", got, err)
	}
}

// zlEntries builds a ziplist from entries given as encoding and data,
// adding the prevlen fields and the header.
func zlEntries(entries ...[]byte) []byte {
	body := []byte{}
	prev, tail := 0, 10
	for _, e := range entries {
		tail = 10 + len(body)
		start := len(body)
		if prev < 254 {
			body = append(body, byte(prev))
		} else {
			body = binary.LittleEndian.AppendUint32(append(body, 254), uint32(prev))
		}
		body = append(body, e...)
		prev = len(body) - start
	}
	zl := binary.LittleEndian.AppendUint32(nil, uint32(10+len(body)+1))
	zl = binary.LittleEndian.AppendUint32(zl, uint32(tail))
	zl = binary.LittleEndian.AppendUint16(zl, uint16(len(entries)))
	return append(append(zl, body...), 0xff)
}

func zlStr(s string) []byte {
	if len(s) < 64 {
		return append([]byte{byte(len(s))}, s...)
	}
	return append([]byte{0x40 | byte(len(s)>>8), byte(len(s))}, s...)
}

func le(b byte, v int64, size int) []byte {
	out := []byte{b}
	for i := range size {
		out = append(out, byte(uint64(v)>>(8*i)))
	}
	return out
}

func TestZiplistEntryEncodings(t *testing.T) {
	long := strings.Repeat("z", 300) // a 14-bit length, and a 5-byte prevlen after it
	zl := zlEntries(zlStr("abc"), zlStr(long), le(0xfe, -7, 1), le(0xc0, -300, 2), le(0xf0, 8000000, 3),
		le(0xd0, -2000000000, 4), le(0xe0, math.MinInt64, 8), []byte{0xf1}, []byte{0xfd}, zlStr(""))
	got, err := parseZiplist(zl)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"abc", long, "-7", "-300", "8000000", "-2000000000", "-9223372036854775808", "0", "12", ""}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("entry %d: %q, want %q", i, got[i], want[i])
		}
	}
	for _, bad := range [][]byte{zl[:len(zl)-1], append(bytes.Clone(zl[:len(zl)-1]), 0x00, 0xff)} {
		if _, err := parseZiplist(bad); err == nil {
			t.Errorf("corrupt ziplist %x accepted", bad)
		}
	}
}

func TestZipmapFromRedisComment(t *testing.T) {
	// zipmap.c's example, "foo" => "bar", "hello" => "world", with 2 free
	// bytes after "bar" as an update would leave them.
	zm := []byte("\x02\x03foo\x03\x02barXX\x05hello\x05\x00world\xff")
	got, err := parseZipmap(zm)
	if err != nil || len(got) != 2 || string(got[0][0]) != "foo" || string(got[0][1]) != "bar" ||
		string(got[1][0]) != "hello" || string(got[1][1]) != "world" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestIntsetWidths(t *testing.T) {
	is := buildIntset([]int64{5, -3, 40000})
	if hex.EncodeToString(is) != "0400000003000000"+"fdffffff"+"05000000"+"409c0000" {
		t.Fatalf("intset %x", is)
	}
	got, err := parseIntset(is)
	if err != nil || string(bytes.Join(got, []byte(","))) != "-3,5,40000" {
		t.Fatalf("%q %v", got, err)
	}
	unsorted, _ := hex.DecodeString("02000000020000000500" + "0300")
	if _, err := parseIntset(unsorted); err == nil {
		t.Error("unsorted intset accepted")
	}
}

// rawFile builds a file of the given version from records, adding the
// header, EOF and, from version 5, the checksum.
func rawFile(version string, records ...[]byte) []byte {
	b := append([]byte("REDIS"), version...)
	for _, r := range records {
		b = append(b, r...)
	}
	b = append(b, opEOF)
	if version >= "0005" {
		b = binary.LittleEndian.AppendUint64(b, crc64Update(0, b))
	}
	return b
}

// str is an RDB string in its plain encoding.
func str(s string) []byte { return append(appendLen(nil, uint64(len(s))), s...) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// decodeAll decodes a whole file held in memory.
func decodeAll(b []byte) ([]Entry, error) {
	d := NewDecoder(bytes.NewReader(b), "test.rdb")
	var out []Entry
	for {
		e, err := d.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

func keysOf(entries []Entry) map[string]Entry {
	m := map[string]Entry{}
	for _, e := range entries {
		if e.Kind == KindKey {
			m[string(e.Key)] = e
		}
	}
	return m
}

func TestReadsRedis2File(t *testing.T) {
	zipmap := "\x02\x01f\x01\x00v\x02ff\x03\x00vvv\xff"
	zset := zlEntries(zlStr("a"), le(0xfe, 1, 1), zlStr("b"), zlStr("2.5"))
	file := rawFile("0003",
		[]byte{opSelectDB, 0},
		cat([]byte{opExpireTime}, le(0, 1700000000, 4)[1:], []byte{typeString}, str("s"), []byte{0xc0, 0x7b}),
		cat([]byte{typeHashZipmap}, str("zm"), str(zipmap)),
		cat([]byte{typeListZiplist}, str("zl"), str(string(zlEntries(zlStr("x"), le(0xc0, 1000, 2))))),
		cat([]byte{typeSetIntset}, str("is"), str(string(buildIntset([]int64{3, 1, 2})))),
		cat([]byte{typeZSetZiplist}, str("zz"), str(string(zset))),
		cat([]byte{typeZSet}, str("oz"), []byte{3}, str("a"), []byte{3}, []byte("1.5"), str("b"), []byte{254}, str("c"), []byte{255}),
		cat([]byte{typeList}, str("l"), []byte{2}, str("p"), str("q")),
		cat([]byte{typeSet}, str("st"), []byte{1}, str("m")),
		cat([]byte{typeHash}, str("h"), []byte{1}, str("k"), str("v")),
	)
	entries, err := decodeAll(file)
	if err != nil {
		t.Fatal(err)
	}
	keys := keysOf(entries)
	want := map[string]string{
		"s":  canonical(String("123")),
		"zm": canonical(Hash{{[]byte("f"), []byte("v")}, {[]byte("ff"), []byte("vvv")}}),
		"zl": canonical(List{[]byte("x"), []byte("1000")}),
		"is": canonical(Set{[]byte("1"), []byte("2"), []byte("3")}),
		"zz": canonical(ZSet{{[]byte("a"), 1}, {[]byte("b"), 2.5}}),
		"oz": canonical(ZSet{{[]byte("a"), 1.5}, {[]byte("b"), math.Inf(1)}, {[]byte("c"), math.Inf(-1)}}),
		"l":  canonical(List{[]byte("p"), []byte("q")}),
		"st": canonical(Set{[]byte("m")}),
		"h":  canonical(Hash{{[]byte("k"), []byte("v")}}),
	}
	for k, w := range want {
		if got := canonical(keys[k].Value); got != w {
			t.Errorf("%s: %s, want %s", k, got, w)
		}
	}
	if keys["s"].ExpireMs != 1700000000000 {
		t.Errorf("expire in seconds read as %d ms", keys["s"].ExpireMs)
	}
}

func TestReadsRedis6File(t *testing.T) {
	node1 := zlEntries(zlStr("a"), zlStr("b"))
	node2 := zlEntries(le(0xd0, 100000, 4))
	hash := zlEntries(zlStr("f"), zlStr("v"), zlStr("n"), []byte{0xf2})
	file := rawFile("0009",
		cat([]byte{opAux}, str("redis-ver"), str("6.2.14")),
		[]byte{opSelectDB, 0, opResizeDB, 3, 1},
		cat([]byte{opIdle, 5, typeListQuicklist}, str("ql"), []byte{2}, str(string(node1)), str(string(node2))),
		cat([]byte{opExpireTimeMs}, binary.LittleEndian.AppendUint64(nil, 1800000000123), []byte{opFreq, 9, typeHashZiplist}, str("hz"), str(string(hash))),
		cat([]byte{typeZSet2}, str("z2"), []byte{1}, str("m"), binary.LittleEndian.AppendUint64(nil, math.Float64bits(-0.5))),
	)
	entries, err := decodeAll(file)
	if err != nil {
		t.Fatal(err)
	}
	keys := keysOf(entries)
	if got := canonical(keys["ql"].Value); got != canonical(List{[]byte("a"), []byte("b"), []byte("100000")}) {
		t.Errorf("quicklist of ziplists: %s", got)
	}
	if keys["ql"].Evict != EvictLRU || keys["ql"].Idle != 5 {
		t.Errorf("LRU idle: %+v", keys["ql"].Meta)
	}
	if got := canonical(keys["hz"].Value); got != canonical(Hash{{[]byte("f"), []byte("v")}, {[]byte("n"), []byte("1")}}) {
		t.Errorf("hash ziplist: %s", got)
	}
	if m := keys["hz"].Meta; m.ExpireMs != 1800000000123 || m.Evict != EvictLFU || m.Freq != 9 {
		t.Errorf("hash meta: %+v", m)
	}
	if z := keys["z2"].Value.(ZSet); len(z) != 1 || z[0].Score != -0.5 {
		t.Errorf("zset2: %v", z)
	}
	if entries[0].Kind != KindAux || string(entries[0].AuxValue) != "6.2.14" {
		t.Errorf("first entry %+v", entries[0])
	}
}

func TestReadsRedis72And74Records(t *testing.T) {
	setLP := buildListpack([][]byte{[]byte("a"), []byte("b"), []byte("7")})
	moduleAux := cat([]byte{opModuleAux}, appendLen(nil, 0x1234567890), []byte{2, 2}, // id, when_opcode UINT, when
		[]byte{1, 5, 2, 7, 3}, []byte{0, 0, 0, 0}, []byte{4}, make([]byte, 8), []byte{5}, str("module state"), []byte{0})
	file := rawFile("0012",
		cat([]byte{opAux}, str("future-aux-field"), str("ignored")),
		moduleAux,
		cat([]byte{opFunction2}, str("#!lua name=lib\nredis.register_function('f', function() return 1 end)")),
		[]byte{opSelectDB, 2},
		[]byte{opSlotInfo, 10, 1, 0},
		cat([]byte{typeSetListpack}, str("sl"), str(string(setLP))),
	)
	entries, err := decodeAll(file)
	if err != nil {
		t.Fatal(err)
	}
	keys := keysOf(entries)
	if got := canonical(keys["sl"].Value); got != canonical(Set{[]byte("a"), []byte("b"), []byte("7")}) || keys["sl"].DB != 2 {
		t.Errorf("set listpack: %s in db %d", got, keys["sl"].DB)
	}
	var fn []byte
	for _, e := range entries {
		if e.Kind == KindFunction {
			fn = e.Function
		}
	}
	if !bytes.HasPrefix(fn, []byte("#!lua name=lib")) {
		t.Errorf("function library: %q", fn)
	}
}

func TestRefusesWithFileOffsetAndKey(t *testing.T) {
	hfe := cat([]byte{typeHashListpackEx}, str("hfe"), make([]byte, 8), str("whatever"))
	for _, tt := range []struct {
		name, file string
		want       []string
		cause      error
	}{
		{"hash field TTL", string(rawFile("0012", []byte{opSelectDB, 0}, hfe)), []string{"test.rdb", "offset 11", `key "hfe"`, "a hash with field expirations (RDB type 25) is not supported"}, ErrUnsupported},
		{"module value", string(rawFile("0010", cat([]byte{typeModule2}, str("mod"), []byte{1, 2, 3}))), []string{"offset 9", `key "mod"`, "module value"}, ErrUnsupported},
		{"unknown type", string(rawFile("0010", cat([]byte{30}, str("odd")))), []string{"offset 9", `key "odd"`, "unknown value type 30"}, nil},
		{"bad version", "REDIS0013" + "\xff", []string{"unsupported RDB version \"0013\""}, nil},
		{"not rdb", "*1\r\n$4\r\nPING\r\n", []string{"offset 0", "not an RDB file"}, nil},
		{"duplicate set member", string(rawFile("0010", cat([]byte{typeSet}, str("s"), []byte{2}, str("m"), str("m")))), []string{`key "s"`, `duplicate set member "m"`}, nil},
		{"nan score", string(rawFile("0010", cat([]byte{typeZSet2}, str("z"), []byte{1}, str("m"), binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.NaN()))))), []string{"NaN"}, nil},
	} {
		_, err := decodeAll([]byte(tt.file))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %v is not an *Error", tt.name, err)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tt.name, err, w)
			}
		}
		if tt.cause != nil && !errors.Is(err, tt.cause) {
			t.Errorf("%s: %v is not %v", tt.name, err, tt.cause)
		}
	}
}

func TestRefusesBadChecksum(t *testing.T) {
	file := rawFile("0010", cat([]byte{typeString}, str("k"), str("v")))
	file[len(file)-1] ^= 0x80
	_, err := decodeAll(file)
	if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("got %v", err)
	}
	// A zero checksum is a file written with rdbchecksum off.
	binary.LittleEndian.PutUint64(file[len(file)-8:], 0)
	if _, err := decodeAll(file); err != nil {
		t.Fatalf("zero checksum: %v", err)
	}
}

func TestSkipsEmptyKeysLikeRedis(t *testing.T) {
	empty := buildListpack(nil)
	file := rawFile("0010",
		cat([]byte{typeHashListpack}, str("empty"), str(string(empty))),
		cat([]byte{typeListQuicklist2}, str("emptylist"), []byte{1, containerPacked}, str(string(empty))),
		cat([]byte{typeString}, str("k"), str("v")))
	d := NewDecoder(bytes.NewReader(file), "test.rdb")
	var keys []string
	for {
		e, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, string(e.Key))
	}
	if len(keys) != 1 || keys[0] != "k" || d.EmptyKeysSkipped != 2 {
		t.Fatalf("keys %q, skipped %d", keys, d.EmptyKeysSkipped)
	}
}

func TestHostileLengthsFailWithoutHugeAllocations(t *testing.T) {
	for name, rec := range map[string][]byte{
		"string of 2^40 bytes":         cat([]byte{typeString}, str("k"), appendLen(nil, 1<<40), []byte("abc")),
		"list of 2^60 elements":        cat([]byte{typeList}, str("k"), appendLen(nil, 1<<60), str("a")),
		"hash of 2^62 pairs":           cat([]byte{typeHash}, str("k"), appendLen(nil, 1<<62), str("a")),
		"zset of 2^50 members":         cat([]byte{typeZSet2}, str("k"), appendLen(nil, 1<<50)),
		"quicklist of 2^40 nodes":      cat([]byte{typeListQuicklist2}, str("k"), appendLen(nil, 1<<40)),
		"LZF claiming 1 TiB":           cat([]byte{typeString}, str("k"), []byte{0xc3}, appendLen(nil, 4), appendLen(nil, 1<<40), []byte{1, 2, 3, 4}),
		"listpack with a lying length": cat([]byte{typeHashListpack}, str("k"), str("\xff\xff\xff\x7f\x02\x00\x81a\x02\x81b\x02\xff")),
	} {
		var before, after runtimeMem
		before.read()
		_, err := decodeAll(rawFile("0010", rec))
		after.read()
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
		if grew := after.total - before.total; grew > 64<<20 {
			t.Errorf("%s: allocated %d MiB", name, grew>>20)
		}
	}
}
