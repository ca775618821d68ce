package rdb

import (
	"bytes"
	"errors"
	"testing"
)

func TestFunctionsDumpRoundTrips(t *testing.T) {
	codes := [][]byte{
		[]byte("#!lua name=a\nredis.register_function('f', function() return 1 end)"),
		[]byte("#!lua name=b\nredis.register_function('g', function() return 2 end)"),
	}
	for _, opts := range []Options{Defaults(), {}} {
		p := DumpFunctions(codes, opts)
		if p[0] != opFunction2 {
			t.Fatalf("payload starts with %#x, want the FUNCTION2 opcode", p[0])
		}
		got, err := ParseFunctionsDump(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !bytes.Equal(got[0], codes[0]) || !bytes.Equal(got[1], codes[1]) {
			t.Fatalf("got %q", got)
		}
		p[1] ^= 1
		if _, err := ParseFunctionsDump(p); !errors.Is(err, ErrDumpPayload) {
			t.Fatalf("corrupt payload: %v, want %v", err, ErrDumpPayload)
		}
	}
	if _, err := ParseFunctionsDump(DumpValue(String("x"), Defaults())); !errors.Is(err, ErrNotFunction) {
		t.Fatalf("a key's DUMP: %v, want %v", err, ErrNotFunction)
	}
}
