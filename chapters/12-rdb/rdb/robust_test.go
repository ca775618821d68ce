package rdb

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// smallFile is a file with one key of every encoding the Encoder writes,
// small enough to cut at every byte.
func smallFile(t testing.TB, opts Options) []byte {
	var buf bytes.Buffer
	e := NewEncoder(&buf, opts)
	e.WriteHeader()
	e.WriteInfo(Info{RedisVer: "7.0.15", Bits: 64, CTime: 1700000000, UsedMem: 1000000})
	e.SelectDB(0)
	e.ResizeDB(9, 1)
	var bigHash Hash
	for i := range 3 {
		bigHash = append(bigHash, [2][]byte{[]byte("f" + strconv.Itoa(i)), []byte(strings.Repeat("v", 70))})
	}
	for _, kv := range []struct {
		k string
		v Value
	}{
		{"int", String("12345")},
		{"lzf", String(strings.Repeat("compress me ", 5))},
		{"list", List{[]byte("a"), []byte("-300"), []byte(strings.Repeat("x", 70))}},
		{"hash", Hash{{[]byte("f"), []byte("1")}}},
		{"bighash", bigHash},
		{"intset", Set{[]byte("1"), []byte("70000")}},
		{"set", Set{[]byte("a"), []byte("b")}},
		{"zset", ZSet{{[]byte("m"), 1.5}}},
		{"zset2", ZSet{{[]byte(strings.Repeat("m", 70)), 2}}},
	} {
		if err := e.WriteKey([]byte(kv.k), kv.v, Meta{ExpireMs: 1800000000000}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSmallFileRoundTrips(t *testing.T) {
	file := smallFile(t, Defaults())
	entries, err := decodeAll(file)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(keysOf(entries)); n != 9 {
		t.Fatalf("%d keys", n)
	}
}

// checkDecodeError fails the test unless err is an *Error with an offset
// inside the file.
func checkDecodeError(t *testing.T, what string, err error, size int) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: got %v, want an *Error", what, err)
	}
	if e.Offset < 0 || e.Offset > int64(size) || e.File != "test.rdb" {
		t.Fatalf("%s: offset %d of a %d-byte file: %v", what, e.Offset, size, err)
	}
}

func TestTruncatedAtEveryByteIsAnError(t *testing.T) {
	for _, opts := range []Options{Defaults(), {}} { // with and without compression and checksum
		file := smallFile(t, opts)
		for n := range len(file) {
			_, err := decodeAll(file[:n])
			checkDecodeError(t, "cut at "+strconv.Itoa(n), err, n)
		}
	}
}

func TestFlippedBytesAreAnError(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	file := smallFile(t, Defaults())
	for range 3000 {
		b := bytes.Clone(file)
		i := rng.IntN(len(b))
		b[i] ^= byte(rng.IntN(255) + 1)
		_, err := decodeAll(b)
		checkDecodeError(t, "flip at "+strconv.Itoa(i), err, len(b)) // the checksum catches any one-byte change
	}
	// Without a checksum some flips still make a valid file; none may panic.
	plain := smallFile(t, Options{})
	for range 3000 {
		b := bytes.Clone(plain)
		for range rng.IntN(3) + 1 {
			b[rng.IntN(len(b))] = byte(rng.Uint32())
		}
		if _, err := decodeAll(b); err != nil {
			checkDecodeError(t, "random bytes", err, len(b))
		}
	}
}

func TestDecodeStopsAtTheChecksumForAnAOFTail(t *testing.T) {
	file := append(smallFile(t, Defaults()), "*1\r\n$4\r\nPING\r\n"...)
	br := newBufioReader(bytes.NewReader(file))
	d := NewDecoder(br, "test.aof")
	for {
		_, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	rest, _ := io.ReadAll(br)
	if string(rest) != "*1\r\n$4\r\nPING\r\n" {
		t.Fatalf("left %q after the RDB preamble", rest)
	}
}

// FuzzDecode feeds arbitrary bytes to the decoder: it must never panic,
// and a file it accepts must survive re-encoding unchanged.
func FuzzDecode(f *testing.F) {
	f.Add(smallFile(f, Defaults()))
	f.Add(smallFile(f, Options{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, err := decodeAll(b)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			return
		}
		var buf bytes.Buffer
		enc := NewEncoder(&buf, Defaults())
		enc.WriteHeader()
		var want []string
		for _, e := range entries {
			if e.Kind == KindKey {
				enc.WriteKey(e.Key, e.Value, e.Meta)
				want = append(want, canonical(e.Value))
			}
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		again, err := decodeAll(buf.Bytes())
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		var got []string
		for _, e := range again {
			if e.Kind == KindKey {
				got = append(got, canonical(e.Value))
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("values changed in a round trip:\n%q\n%q", got, want)
		}
	})
}

// FuzzParseDump feeds arbitrary values to ParseDump behind a valid
// footer, so that the checksum does not stop the fuzzer at the door.
func FuzzParseDump(f *testing.F) {
	for _, v := range []Value{String("x"), List{[]byte("a")}, Hash{{[]byte("f"), []byte("v")}}, Set{[]byte("1")}, ZSet{{[]byte("m"), 1}}} {
		p := DumpValue(v, Defaults())
		f.Add(p[:len(p)-10])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p := append(bytes.Clone(body), Version, 0)
		p = appendCRC(p)
		v, err := ParseDump(p)
		if err != nil {
			if !errors.Is(err, ErrBadData) {
				t.Fatalf("error %v is not ErrBadData", err)
			}
			return
		}
		if again, err := ParseDump(DumpValue(v, Defaults())); err != nil || canonical(again) != canonical(v) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func TestFuzzCorpusIsKept(t *testing.T) {
	for _, name := range []string{"FuzzDecode", "FuzzParseDump"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", name))
		if err != nil || len(entries) == 0 {
			t.Errorf("testdata/fuzz/%s: %d files, %v", name, len(entries), err)
		}
	}
}

func TestNilValueIsAnErrorNotAPanic(t *testing.T) {
	e := NewEncoder(io.Discard, Defaults())
	e.WriteHeader()
	if err := e.WriteKey([]byte("k"), nil, Meta{}); err == nil {
		t.Fatal("nil value accepted")
	}
	if err := e.Close(); err == nil {
		t.Fatal("Close after an error reports none")
	}
	if DumpValue(nil, Defaults()) != nil {
		t.Fatal("DumpValue(nil) is not nil")
	}
}

func TestWriteInfoInRedisOrder(t *testing.T) {
	var buf bytes.Buffer
	e := NewEncoder(&buf, Defaults())
	e.WriteHeader()
	e.WriteInfo(Info{RedisVer: "7.0.15", Bits: 64, CTime: 1, UsedMem: 2,
		Repl: &ReplInfo{StreamDB: 0, ID: strings.Repeat("a", 40), Offset: 3}, AOFBase: true})
	e.Close()
	entries, err := decodeAll(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range entries {
		got = append(got, string(en.AuxKey)+"="+string(en.AuxValue))
	}
	want := "redis-ver=7.0.15 redis-bits=64 ctime=1 used-mem=2 repl-stream-db=0 repl-id=" + strings.Repeat("a", 40) + " repl-offset=3 aof-base=1"
	if strings.Join(got, " ") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}
