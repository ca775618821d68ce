package rdb

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

const benchKeys = 1_000_000

// benchData is benchKeys small keys: mostly strings, every tenth a small
// hash, as a cache-like data set.
func benchData() ([][]byte, []Value) {
	keys := make([][]byte, benchKeys)
	vals := make([]Value, benchKeys)
	for i := range keys {
		keys[i] = []byte("key:" + strconv.Itoa(i))
		if i%10 == 0 {
			vals[i] = Hash{{[]byte("name"), []byte("user" + strconv.Itoa(i))}, {[]byte("visits"), []byte(strconv.Itoa(i % 1000))}}
		} else {
			vals[i] = String("value:" + strconv.Itoa(i))
		}
	}
	return keys, vals
}

func encodeBench(w io.Writer, keys [][]byte, vals []Value) error {
	e := NewEncoder(w, Defaults())
	e.WriteHeader()
	e.SelectDB(0)
	e.ResizeDB(uint64(len(keys)), 0)
	for i := range keys {
		e.WriteKey(keys[i], vals[i], Meta{})
	}
	return e.Close()
}

func BenchmarkEncode1MKeys(b *testing.B) {
	keys, vals := benchData()
	var buf bytes.Buffer
	encodeBench(&buf, keys, vals)
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for b.Loop() {
		if err := encodeBench(io.Discard, keys, vals); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode1MKeys(b *testing.B) {
	keys, vals := benchData()
	var buf bytes.Buffer
	if err := encodeBench(&buf, keys, vals); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(file), "bench.rdb")
		n := 0
		for {
			e, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if e.Kind == KindKey {
				n++
			}
		}
		if n != benchKeys {
			b.Fatalf("%d keys", n)
		}
	}
}
