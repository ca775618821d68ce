package script

import "testing"

// The cost of one cached script run: KEYS/ARGV set, one redis.call, the
// reply converted and written.
func BenchmarkEvalSHAIncr(b *testing.B) {
	e := New(Options{})
	defer e.Close()
	sha, _, err := e.Load(`return redis.call("incr", KEYS[1])`)
	if err != nil {
		b.Fatal(err)
	}
	r := &Run{Caller: newFakeDB(), Proto: 2, Keys: [][]byte{[]byte("n")}}
	b.ReportAllocs()
	for b.Loop() {
		r.Caller.(*fakeDB).calls = nil
		if got := e.EvalSHA(r, sha); got[0] != ':' {
			b.Fatalf("%q", got)
		}
	}
}

func BenchmarkCjsonRoundTrip(b *testing.B) {
	e := New(Options{})
	defer e.Close()
	sha, _, err := e.Load(`return cjson.encode(cjson.decode(ARGV[1]))`)
	if err != nil {
		b.Fatal(err)
	}
	r := &Run{Caller: newFakeDB(), Proto: 2, Args: [][]byte{[]byte(`[1,2,3,"four",[5,6]]`)}}
	b.ReportAllocs()
	for b.Loop() {
		if got := e.EvalSHA(r, sha); got[0] != '$' {
			b.Fatalf("%q", got)
		}
	}
}
