package keyspace

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// model is the specification: a Go map with the same expiry rules.
type model struct {
	vals map[string]string
	ttl  map[string]int64
}

func (m *model) alive(k string, now int64) bool {
	if _, ok := m.vals[k]; !ok {
		return false
	}
	if at := m.ttl[k]; at != 0 && now > at {
		delete(m.vals, k)
		delete(m.ttl, k)
		return false
	}
	return true
}

// runOps interprets program as a sequence of operations on a DB and on
// the model and fails at the first difference. Each operation is 3
// bytes: opcode, key, argument. Few distinct keys make collisions of
// operations on the same key likely.
func runOps(t *testing.T, program []byte) {
	db := New()
	m := &model{vals: map[string]string{}, ttl: map[string]int64{}}
	now := int64(1000)
	key := func(b byte) []byte {
		if b%7 == 0 {
			return []byte{b, 0, '\r', '\n'} // binary keys too
		}
		return []byte(fmt.Sprintf("k%d", b%64))
	}
	for i := 0; i+2 < len(program); i += 3 {
		op, k, arg := program[i]%10, key(program[i+1]), program[i+2]
		ks := string(k)
		switch op {
		case 0, 1: // set
			v := bytes.Repeat([]byte{'a' + arg%26}, int(arg)%40)
			db.SetString(k, v, now)
			m.alive(ks, now)
			m.vals[ks] = string(v)
			delete(m.ttl, ks)
		case 2: // get
			got, ok := get(db, ks, now)
			wok := m.alive(ks, now)
			want := m.vals[ks]
			if ok != wok || got != want {
				t.Fatalf("op %d get %q = %q,%v; model %q,%v", i/3, ks, got, ok, want, wok)
			}
		case 3: // delete
			if got, want := db.Delete(k, now), m.alive(ks, now); got != want {
				t.Fatalf("op %d delete %q = %v; model %v", i/3, ks, got, want)
			}
			delete(m.vals, ks)
			delete(m.ttl, ks)
		case 4: // expire
			if e := db.LookupWrite(k, now); e != nil {
				db.SetExpire(e, now+int64(arg%16))
			}
			if m.alive(ks, now) {
				m.ttl[ks] = now + int64(arg%16)
			}
		case 5: // persist
			var got bool
			if e := db.LookupWrite(k, now); e != nil {
				got = db.Persist(e)
			}
			want := m.alive(ks, now) && m.ttl[ks] != 0
			delete(m.ttl, ks)
			if got != want {
				t.Fatalf("op %d persist %q = %v; model %v", i/3, ks, got, want)
			}
		case 6: // time passes
			now += int64(arg % 8)
		case 7: // active expiry
			db.ActiveExpire(now, time.Minute)
		case 8: // append
			e := db.LookupWrite(k, now)
			if e == nil {
				e = db.SetString(k, nil, now)
			}
			e.Append(bytes.Repeat([]byte{'A' + arg%26}, int(arg)%9))
			if !m.alive(ks, now) {
				m.vals[ks] = ""
			}
			m.vals[ks] += string(bytes.Repeat([]byte{'A' + arg%26}, int(arg)%9))
		case 9: // full scan must equal the live keys plus not-yet-removed expired ones
			seen := map[string]bool{}
			for c := db.Scan(0, 5, func(e *Entry) { seen[e.Key] = true }); c != 0; {
				c = db.Scan(c, 5, func(e *Entry) { seen[e.Key] = true })
			}
			for k := range m.vals {
				if m.alive(k, now) && !seen[k] {
					t.Fatalf("op %d: scan missed %q", i/3, k)
				}
			}
			if len(seen) != db.Len() {
				t.Fatalf("op %d: scan saw %d keys, Len %d", i/3, len(seen), db.Len())
			}
		}
		check(t, db)
	}
	n := 0
	for k := range m.vals {
		if m.alive(k, now) {
			n++
			if got, ok := get(db, k, now); !ok || got != m.vals[k] {
				t.Fatalf("end: %q = %q,%v; model %q", k, got, ok, m.vals[k])
			}
		}
	}
	// The DB may still hold keys that expired but were not looked at;
	// every other key must be one of the model's.
	live := 0
	for c := db.Scan(0, 10, func(e *Entry) {
		if !e.IsExpired(now) {
			live++
		}
	}); c != 0; {
		c = db.Scan(c, 10, func(e *Entry) {
			if !e.IsExpired(now) {
				live++
			}
		})
	}
	if live != n {
		t.Fatalf("end: %d live keys, model %d", live, n)
	}
}

func TestAgainstModel(t *testing.T) {
	for seed := uint64(0); seed < 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		program := make([]byte, 3*3000)
		for i := range program {
			program[i] = byte(rng.Uint32())
		}
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runOps(t, program) })
	}
}

func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 5, 2, 1, 0, 4, 1, 3, 6, 0, 7, 2, 1, 0})
	f.Add([]byte{8, 7, 3, 8, 7, 4, 2, 7, 0, 9, 0, 0})
	f.Fuzz(func(t *testing.T, program []byte) {
		if len(program) > 3*2000 {
			program = program[:3*2000]
		}
		runOps(t, program)
	})
}

// heapPerKey inserts n keys of 16 bytes with 32-byte values and returns
// the live heap growth per key, and the part of it that is the
// keyspace's own (not the key and value bytes).
func heapPerKey(n int) (total, overhead float64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	db := New()
	key := make([]byte, 16)
	val := bytes.Repeat([]byte("v"), 32)
	for i := 0; i < n; i++ {
		copy(key, fmt.Sprintf("key:%012d", i))
		db.SetString(key, val, 1)
	}
	for db.Rehash(1000) {
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(db)
	total = float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
	return total, total - 16 - 32
}

func TestKeyspaceOverheadIsSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100k keys")
	}
	total, overhead := heapPerKey(100_000)
	t.Logf("16-byte key, 32-byte value: %.1f heap bytes/key, %.1f of them keyspace overhead", total, overhead)
	// An entry is 56 bytes, buckets 4 bytes a key at load 0.5..1.
	if overhead > 72 {
		t.Fatalf("keyspace overhead %.1f bytes/key, want <= 72", overhead)
	}
}

// BenchmarkBytesPerKey reports heap bytes per key at 1M keys
// (go test -run=^$ -bench=BytesPerKey -benchtime=1x).
func BenchmarkBytesPerKey(b *testing.B) {
	for i := 0; i < b.N; i++ {
		total, overhead := heapPerKey(1_000_000)
		b.ReportMetric(total, "heap-B/key")
		b.ReportMetric(overhead, "overhead-B/key")
	}
}

func benchKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key:%012d", i))
	}
	return keys
}

func BenchmarkGet(b *testing.B) {
	const n = 1 << 20
	keys := benchKeys(n)
	db := New()
	val := bytes.Repeat([]byte("v"), 32)
	for _, k := range keys {
		db.SetString(k, val, 1)
	}
	for db.Rehash(1000) {
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if db.Lookup(keys[i&(n-1)], 1) == nil {
			b.Fatal("missing")
		}
	}
}

func BenchmarkSetOverwrite(b *testing.B) {
	const n = 1 << 20
	keys := benchKeys(n)
	db := New()
	val := bytes.Repeat([]byte("v"), 32)
	for _, k := range keys {
		db.SetString(k, val, 1)
	}
	for db.Rehash(1000) {
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db.SetString(keys[i&(n-1)], val, 1)
	}
}

func BenchmarkSetInsert(b *testing.B) {
	keys := benchKeys(b.N)
	db := New()
	val := bytes.Repeat([]byte("v"), 32)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db.SetString(keys[i], val, 1)
	}
}
