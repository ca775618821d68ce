package rdb

import (
	"bytes"
	"testing"
)

// TestBuilderWritesWhatEncoderWrites builds one file both ways, in pieces
// (as a snapshot does) and with the Encoder, and compares the bytes.
func TestBuilderWritesWhatEncoderWrites(t *testing.T) {
	info := Info{RedisVer: "7.0.15", Bits: 64, CTime: 1700000000, UsedMem: 1 << 20}
	keys := []struct {
		key string
		v   Value
		m   Meta
	}{
		{"s", String("hello"), Meta{}},
		{"n", String("12345"), Meta{ExpireMs: 1800000000000}},
		{"lzf", String(bytes.Repeat([]byte("abc"), 40)), Meta{}},
		{"l", List{[]byte("a"), []byte("b")}, Meta{Evict: EvictLFU, Freq: 5}},
		{"h", Hash{{[]byte("f"), []byte("v")}}, Meta{Evict: EvictLRU, Idle: 7}},
	}
	for _, opts := range []Options{Defaults(), {}} {
		var want bytes.Buffer
		e := NewEncoder(&want, opts)
		e.WriteHeader()
		e.WriteInfo(info)
		e.SelectDB(3)
		e.ResizeDB(5, 1)
		for _, k := range keys {
			e.WriteKey([]byte(k.key), k.v, k.m)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		st := NewBuilder(opts)
		got := st.Header(nil, info)
		got = st.SelectDB(got, 3, 5, 1)
		for _, k := range keys {
			if s, ok := k.v.(String); ok && k.m.Evict == EvictNone {
				got = st.StringKey(got, []byte(k.key), s, k.m)
				continue
			}
			var err error
			if got, err = st.Key(got, []byte(k.key), k.v, k.m); err != nil {
				t.Fatal(err)
			}
		}
		got = st.End(got)
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("checksum %v: the builder wrote\n%x\nthe encoder\n%x", opts.Checksum, got, want.Bytes())
		}
	}
}

// TestStringKeyAllocatesNothing: a snapshot writes a million keys; one
// allocation each would be a million objects for the collector.
func TestStringKeyAllocatesNothing(t *testing.T) {
	st := NewBuilder(Defaults())
	buf := make([]byte, 0, 1<<16)
	key, val := []byte("key:123456"), []byte("value-123456-xxxxxxxxxxxxxxxx")
	buf = st.StringKey(buf[:0], key, val, Meta{}) // warm the scratch buffer
	if n := testing.AllocsPerRun(100, func() { buf = st.StringKey(buf[:0], key, val, Meta{ExpireMs: 1}) }); n != 0 {
		t.Fatalf("%v allocations per key", n)
	}
}
