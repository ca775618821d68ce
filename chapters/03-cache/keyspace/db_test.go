package keyspace

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
	"unsafe"
)

// check verifies the DB's invariants: a full scan (which moves no
// bucket) returns each live slot once, free slots are cleared, and every
// key with a time to live is listed in vol once. The table's own
// structure is checked by package dict's tests.
func check(t testing.TB, db *DB) {
	t.Helper()
	scanned := map[*Entry]int{}
	for cursor := db.Scan(0, 100, func(e *Entry) { scanned[e]++ }); cursor != 0; {
		cursor = db.Scan(cursor, 100, func(e *Entry) { scanned[e]++ })
	}
	live, expires := 0, 0
	for slot := uint32(0); slot < db.keys.Slots(); slot++ {
		e := db.entry(slot)
		if db.keys.IsFree(slot) {
			if e.Value != nil || e.Key != "" || e.ExpireAt != 0 {
				t.Fatalf("free slot %d not cleared: %+v", slot, e)
			}
			continue
		}
		live++
		if e.Value == nil {
			t.Fatalf("slot %d live without a value", slot)
		}
		if scanned[e] != 1 {
			t.Fatalf("key %q in slot %d scanned %d times", e.Key, slot, scanned[e])
		}
		if e.ExpireAt != 0 {
			expires++
			if e.meta&listedBit == 0 {
				t.Fatalf("volatile key %q not listed", e.Key)
			}
		}
	}
	if live != db.Len() || len(scanned) != live {
		t.Fatalf("%d live slots, %d scanned, Len = %d", live, len(scanned), db.Len())
	}
	if expires != db.expires {
		t.Fatalf("%d volatile keys, expires = %d", expires, db.expires)
	}
	listed := map[uint32]bool{}
	for _, s := range db.vol {
		if listed[s] {
			t.Fatalf("slot %d listed twice", s)
		}
		listed[s] = true
		if db.entry(s).meta&listedBit == 0 {
			t.Fatalf("slot %d in vol without listedBit", s)
		}
	}
}

func get(db *DB, key string, now int64) (string, bool) {
	e := db.Lookup([]byte(key), now)
	if e == nil {
		return "", false
	}
	b, ok := e.Bytes()
	if !ok {
		return "", false
	}
	return string(b), true
}

func TestEntryIsLean(t *testing.T) {
	if got := unsafe.Sizeof(Entry{}); got != 56 {
		t.Fatalf("Entry is %d bytes, want 56", got)
	}
}

func TestSetGetDelete(t *testing.T) {
	tests := []struct {
		name, key, val string
	}{
		{"plain", "foo", "bar"},
		{"empty key", "", "v"},
		{"empty value", "k", ""},
		{"binary key", "a\x00b\r\n", "x"},
		{"binary value", "bin", "\x00\r\n\xff"},
		{"long value", "long", string(bytes.Repeat([]byte("ab"), 40000))},
	}
	db := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db.SetString([]byte(tt.key), []byte(tt.val), 1)
			got, ok := get(db, tt.key, 1)
			if !ok || got != tt.val {
				t.Fatalf("get %q = %q, %v; want %q", tt.key, got, ok, tt.val)
			}
		})
	}
	check(t, db)
	if db.Len() != len(tests) {
		t.Fatalf("Len = %d, want %d", db.Len(), len(tests))
	}
	for _, tt := range tests {
		if !db.Delete([]byte(tt.key), 1) {
			t.Fatalf("delete %q: not found", tt.key)
		}
		if db.Delete([]byte(tt.key), 1) {
			t.Fatalf("delete %q twice: found", tt.key)
		}
		if _, ok := get(db, tt.key, 1); ok {
			t.Fatalf("%q still there", tt.key)
		}
	}
	check(t, db)
	if db.Len() != 0 {
		t.Fatalf("Len = %d after deleting all", db.Len())
	}
}

func TestZeroValueDBWorks(t *testing.T) {
	var db DB
	if db.Lookup([]byte("x"), 1) != nil || db.Delete([]byte("x"), 1) || db.RandomEntry(1) != nil {
		t.Fatal("empty DB found a key")
	}
	if c := db.Scan(0, 10, func(*Entry) { t.Fatal("scan of empty DB emitted") }); c != 0 {
		t.Fatalf("scan cursor %d", c)
	}
	db.SetString([]byte("x"), []byte("1"), 1)
	if v, _ := get(&db, "x", 1); v != "1" {
		t.Fatalf("got %q", v)
	}
}

func TestOtherValueTypes(t *testing.T) {
	db := New()
	type list struct{ items []string }
	l := &list{items: []string{"a"}}
	e := db.Set([]byte("l"), l, 1)
	if _, ok := e.Bytes(); ok || e.IsString() {
		t.Fatal("a list reads as a string")
	}
	if got := db.Lookup([]byte("l"), 1).Value; got != l {
		t.Fatalf("Value = %v", got)
	}
	e.SetBytes([]byte("now a string"))
	if b, ok := e.Bytes(); !ok || string(b) != "now a string" {
		t.Fatalf("Bytes = %q, %v", b, ok)
	}
}

func TestSetBytesReusesBufferOfSameSize(t *testing.T) {
	db := New()
	e := db.SetString([]byte("n"), []byte("1000"), 1)
	vals := [][]byte{[]byte("1001"), []byte("1002")}
	allocs := testing.AllocsPerRun(100, func() {
		e.SetBytes(vals[0])
		e.SetBytes(vals[1])
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per same-size overwrite", allocs)
	}
	e.SetBytes([]byte("12345"))
	if b, _ := e.Bytes(); string(b) != "12345" {
		t.Fatalf("got %q", b)
	}
}

func TestAppendGrowsGeometrically(t *testing.T) {
	db := New()
	e := db.SetString([]byte("k"), nil, 1)
	var want []byte
	allocs := 0
	for i := 0; i < 3000; i++ {
		piece := []byte(fmt.Sprintf("<%d>", i))
		before, _ := e.Bytes()
		n := e.Append(piece)
		after, _ := e.Bytes()
		if len(before) > 0 && unsafe.SliceData(before) != unsafe.SliceData(after) {
			allocs++
		}
		want = append(want, piece...)
		if n != len(want) {
			t.Fatalf("Append returned %d, want %d", n, len(want))
		}
	}
	if got, _ := e.Bytes(); !bytes.Equal(got, want) {
		t.Fatal("appended value differs")
	}
	if allocs > 20 {
		t.Fatalf("%d reallocations for 3000 appends", allocs)
	}
	// A value set by SetBytes after growth keeps working.
	e.SetBytes([]byte("short"))
	e.Append([]byte("er"))
	if got, _ := e.Bytes(); string(got) != "shorter" {
		t.Fatalf("got %q", got)
	}
}

func TestGrowCapIsAStepFunction(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 31, 32, 33, 1000, 1<<20 - 1, 1 << 20, 1<<20 + 1, 5<<20 + 7} {
		c := growCap(n)
		if c < n {
			t.Fatalf("growCap(%d) = %d < n", n, c)
		}
		for _, m := range []int{n + 1, (n + c) / 2, c} {
			if m > n && m <= c && growCap(m) != c {
				t.Fatalf("growCap(%d) = %d but growCap(%d) = %d", n, c, m, growCap(m))
			}
		}
	}
}

// recorder is an observer that logs every change it hears of.
type recorder struct{ log []string }

func (r *recorder) KeyWriting(db int, key string, e *Entry) {
	v := "<nil>"
	if e != nil {
		b, _ := e.Bytes()
		v = string(b)
	}
	r.log = append(r.log, fmt.Sprintf("write %d:%s %s", db, key, v))
}
func (r *recorder) KeyExpired(db int, key string) {
	r.log = append(r.log, fmt.Sprintf("expired %d:%s", db, key))
}
func (r *recorder) Flushing(db int)  { r.log = append(r.log, fmt.Sprintf("flush %d", db)) }
func (r *recorder) Swapped(a, b int) { r.log = append(r.log, fmt.Sprintf("swap %d %d", a, b)) }

// observed returns n databases sharing one recorder.
func observed(n int) ([]*DB, *recorder) {
	dbs := make([]*DB, n)
	for i := range dbs {
		dbs[i] = New()
	}
	r := &recorder{}
	Observe(dbs).Add(r)
	return dbs, r
}

type expireCounter struct{ n int }

func (c *expireCounter) KeyExpired(int, string) { c.n++ }

type lfuCounter struct{}

func (lfuCounter) Touch(e *Entry, now int64)         { e.LRU++ }
func (lfuCounter) Frequency(e *Entry, now int64) int { return int(e.LRU) }

func TestObserversHearEveryChange(t *testing.T) {
	dbs, r := observed(1)
	db := dbs[0]

	db.SetString([]byte("a"), []byte("1"), 1)
	db.SetString([]byte("a"), []byte("2"), 1)
	db.Lookup([]byte("a"), 1) // a read: no hook
	db.LookupWrite([]byte("b"), 1)
	e := db.SetString([]byte("t"), []byte("x"), 1)
	db.SetExpire(e, 100)
	db.Lookup([]byte("t"), 101)
	db.Delete([]byte("a"), 101)
	db.SetString([]byte("c"), []byte("3"), 101)
	db.Flush()
	db.SetString([]byte("d"), []byte("4"), 101) // after Flush: still observed
	want := []string{
		"write 0:a <nil>", "write 0:a 1", "write 0:b <nil>", "write 0:t <nil>",
		"write 0:t x", "expired 0:t", "write 0:a 2", "write 0:c <nil>", "flush 0",
		"write 0:d <nil>",
	}
	if fmt.Sprint(r.log) != fmt.Sprint(want) {
		t.Fatalf("observers heard\n%q\nwant\n%q", r.log, want)
	}
	if db.Len() != 1 {
		t.Fatal("Flush must empty the DB")
	}
}

func TestObserveWithoutMethodsPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Add of a value that observes nothing did not panic")
		}
	}()
	Observe([]*DB{New()}).Add(struct{}{})
}

func TestLookupTouchesLRU(t *testing.T) {
	db := New()
	db.SetString([]byte("k"), []byte("v"), 5_000)
	if e := db.Lookup([]byte("k"), 9_999); e.LRU != 9 {
		t.Fatalf("LRU = %d, want 9", e.LRU)
	}
	if e := db.Peek([]byte("k"), 50_000); e == nil || e.LRU != 9 {
		t.Fatalf("Peek changed LRU to %d", e.LRU)
	}
	Observe([]*DB{db}).SetAccess(lfuCounter{})
	if e := db.Lookup([]byte("k"), 20_000); e.LRU != 10 {
		t.Fatalf("LRU = %d with an access counter, want 10", e.LRU)
	}
}

// TestRehashIsIncremental checks that the DB resizes its table a step
// at a time (dict's tests check the steps themselves): commands keep
// working and finding every key while a resize is in progress, and
// deleting most keys gives the buckets back.
func TestRehashIsIncremental(t *testing.T) {
	db := New()
	for i := 0; i < 1025; i++ {
		db.SetString([]byte(fmt.Sprint(i)), nil, 1)
	}
	if !db.keys.Rehashing() || db.keys.Buckets() != 1024+2048 {
		t.Fatalf("rehashing=%v with %d buckets", db.keys.Rehashing(), db.keys.Buckets())
	}
	check(t, db)
	steps := 0
	for db.Rehash(1) {
		steps++
		if steps%100 == 0 {
			check(t, db)
		}
		if steps > 2000 {
			t.Fatal("rehash does not finish")
		}
	}
	if steps < 100 {
		t.Fatalf("rehash finished in %d steps of one bucket", steps)
	}
	check(t, db)
	for i := 0; i < 1025; i++ {
		if db.Lookup([]byte(fmt.Sprint(i)), 1) == nil {
			t.Fatalf("key %d lost in rehash", i)
		}
	}
	// Deleting down to < 10% fill shrinks the table.
	for i := 0; i < 1020; i++ {
		db.Delete([]byte(fmt.Sprint(i)), 1)
	}
	for db.Rehash(100) {
	}
	check(t, db)
	if db.keys.Buckets() > 16 {
		t.Fatalf("table of %d buckets for %d keys", db.keys.Buckets(), db.Len())
	}
}

func TestScanVisitsEveryKeyOnceWhenStable(t *testing.T) {
	for _, n := range []int{1, 3, 100, 5000} {
		db := New()
		for i := 0; i < n; i++ {
			db.SetString([]byte(fmt.Sprint(i)), nil, 1)
		}
		seen := map[string]int{}
		cursor, calls := uint64(0), 0
		for {
			cursor = db.Scan(cursor, 10, func(e *Entry) { seen[e.Key]++ })
			calls++
			if cursor == 0 {
				break
			}
		}
		if len(seen) != n {
			t.Fatalf("n=%d: scan saw %d keys", n, len(seen))
		}
		for k, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: key %s seen %d times with no changes", n, k, c)
			}
		}
		if n >= 100 && calls < n/20 {
			t.Fatalf("n=%d: %d calls with count 10", n, calls)
		}
	}
}

// TestScanGuaranteeWhileResizing is SCAN's promise: a key present for the
// whole scan is returned, however the table grows and shrinks between
// calls. Between calls the workload adds or deletes many other keys, so
// the scan crosses expansions, shrinks and rehashes in progress.
func TestScanGuaranteeWhileResizing(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		db := New()
		stable := map[string]bool{}
		for i := 0; i < 200+rng.IntN(300); i++ {
			k := fmt.Sprintf("stable:%d", i)
			stable[k] = true
			db.SetString([]byte(k), nil, 1)
		}
		ever := map[string]bool{}
		for k := range stable {
			ever[k] = true
		}
		var churn []string
		seen := map[string]bool{}
		cursor, calls := uint64(0), 0
		grow := true
		for {
			cursor = db.Scan(cursor, 1+rng.IntN(20), func(e *Entry) { seen[e.Key] = true })
			calls++
			if cursor == 0 {
				break
			}
			if calls%7 == 0 {
				grow = !grow
			}
			n := rng.IntN(400)
			for i := 0; i < n; i++ {
				if grow {
					k := fmt.Sprintf("churn:%d:%d", calls, i)
					db.SetString([]byte(k), nil, 1)
					churn = append(churn, k)
					ever[k] = true
				} else if len(churn) > 0 {
					j := rng.IntN(len(churn))
					db.Delete([]byte(churn[j]), 1)
					churn[j] = churn[len(churn)-1]
					churn = churn[:len(churn)-1]
				}
			}
			if calls > 100000 {
				t.Fatal("scan does not end")
			}
		}
		check(t, db)
		for k := range stable {
			if !seen[k] {
				t.Fatalf("seed %d: stable key %s not returned (calls %d)", seed, k, calls)
			}
		}
		for k := range seen {
			if !ever[k] {
				t.Fatalf("seed %d: scan returned %q that never existed", seed, k)
			}
		}
	}
}

func TestLazyExpiry(t *testing.T) {
	dbs, r := observed(1)
	db := dbs[0]
	e := db.SetString([]byte("k"), []byte("v"), 1000)
	db.SetExpire(e, 2000)
	if db.Expires() != 1 {
		t.Fatalf("Expires = %d", db.Expires())
	}
	if _, ok := get(db, "k", 2000); !ok {
		t.Fatal("key gone at exactly its expiry time; Redis keeps it until now > at")
	}
	if _, ok := get(db, "k", 2001); ok {
		t.Fatal("key alive after its expiry time")
	}
	if db.Len() != 0 || db.Expires() != 0 || fmt.Sprint(r.log) != "[write 0:k <nil> write 0:k v expired 0:k]" {
		t.Fatalf("Len %d Expires %d heard %q", db.Len(), db.Expires(), r.log)
	}
	// now = 0 never expires (AOF loading).
	e = db.SetString([]byte("k"), []byte("v"), 1000)
	db.SetExpire(e, 2000)
	if db.Lookup([]byte("k"), 0) == nil {
		t.Fatal("expired with now = 0")
	}
	// Overwriting clears the TTL; Persist reports whether there was one.
	e = db.SetString([]byte("k"), []byte("w"), 1000)
	if e.ExpireAt != 0 || db.Expires() != 0 || db.Persist(e) {
		t.Fatal("SetString kept the TTL")
	}
	db.SetExpire(e, 5000)
	if !db.Persist(e) || db.Expires() != 0 {
		t.Fatal("Persist")
	}
	check(t, db)
}

func TestActiveExpire(t *testing.T) {
	const now = 1_000_000
	tests := []struct {
		name              string
		volatile, expired int
		wantAllGone       bool
	}{
		{"all expired", 5000, 5000, true},
		{"most expired", 5000, 4000, false},
		{"none expired", 5000, 0, false},
		{"few keys", 5, 5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbs := []*DB{New()}
			counter := &expireCounter{}
			Observe(dbs).Add(counter)
			db := dbs[0]
			for i := 0; i < 1000; i++ { // keys without TTL are never looked at
				db.SetString([]byte(fmt.Sprint("p", i)), nil, now)
			}
			for i := 0; i < tt.volatile; i++ {
				e := db.SetString([]byte(fmt.Sprint("v", i)), nil, now)
				at := int64(now + 1000)
				if i < tt.expired {
					at = now - 1
				}
				db.SetExpire(e, at)
			}
			n := db.ActiveExpire(now, time.Minute)
			check(t, db)
			if n != counter.n || db.Len() != 1000+tt.volatile-n {
				t.Fatalf("removed %d, observer heard %d, Len %d", n, counter.n, db.Len())
			}
			if tt.wantAllGone && n != tt.expired {
				t.Fatalf("removed %d of %d expired keys", n, tt.expired)
			}
			if tt.expired == 0 && n != 0 {
				t.Fatalf("removed %d live keys", n)
			}
			// Repeated cycles keep removing until few expired keys remain
			// (the loop stops once <= 10% of a sample is expired).
			for i := 0; i < 1000 && db.ActiveExpire(now, time.Minute) > 0; i++ {
			}
			left := db.Len() - 1000 - (tt.volatile - tt.expired)
			if left*100 > (tt.volatile-tt.expired+left)*acceptableStale+keysPerLoop {
				t.Fatalf("%d expired keys left", left)
			}
		})
	}
}

func TestActiveExpireStopsAtBudget(t *testing.T) {
	db := New()
	for i := 0; i < 200_000; i++ {
		db.SetExpire(db.SetString([]byte(fmt.Sprint(i)), nil, 1), 5)
	}
	n := db.ActiveExpire(10, time.Nanosecond)
	if n == 0 || n == 200_000 {
		t.Fatalf("a 1ns budget removed %d keys, want some but not all", n)
	}
	check(t, db)
}

func TestActiveExpireDropsStaleListings(t *testing.T) {
	db := New()
	for i := 0; i < 100; i++ {
		e := db.SetString([]byte(fmt.Sprint(i)), nil, 1)
		db.SetExpire(e, 1000)
		db.Persist(e)
	}
	if len(db.vol) != 100 || db.Expires() != 0 {
		t.Fatalf("vol %d expires %d", len(db.vol), db.Expires())
	}
	// Keys that come back with a TTL reuse their listing.
	e := db.Lookup([]byte("7"), 1)
	db.SetExpire(e, 5)
	db.SetExpire(e, 6)
	if len(db.vol) != 100 {
		t.Fatalf("vol grew to %d", len(db.vol))
	}
	db.ActiveExpire(10, time.Minute)
	if len(db.vol) >= 100 || db.Len() != 99 {
		t.Fatalf("vol %d Len %d after active expiry", len(db.vol), db.Len())
	}
	check(t, db)
}

func TestRandomEntry(t *testing.T) {
	db := New()
	for i := 0; i < 50; i++ {
		db.SetString([]byte(fmt.Sprint(i)), nil, 1)
	}
	seen := map[string]bool{}
	for i := 0; i < 5000; i++ {
		seen[db.RandomEntry(1).Key] = true
	}
	if len(seen) != 50 {
		t.Fatalf("RandomEntry reached %d of 50 keys", len(seen))
	}
	// Mostly-free slab: the bucket fallback still finds the survivors.
	for i := 0; i < 50; i++ {
		if i != 17 && i != 33 {
			db.Delete([]byte(fmt.Sprint(i)), 1)
		}
	}
	seen = map[string]bool{}
	for i := 0; i < 500; i++ {
		seen[db.RandomEntry(1).Key] = true
	}
	if len(seen) != 2 || !seen["17"] || !seen["33"] {
		t.Fatalf("RandomEntry saw %v", seen)
	}
	// Expired keys are removed, never returned.
	db.SetExpire(db.Lookup([]byte("17"), 1), 5)
	db.SetExpire(db.Lookup([]byte("33"), 1), 5)
	if e := db.RandomVolatile(3); e == nil {
		t.Fatal("RandomVolatile found nothing")
	}
	if e := db.RandomEntry(10); e != nil || db.Len() != 0 {
		t.Fatalf("RandomEntry returned %v, Len %d", e, db.Len())
	}
}

func TestRemove(t *testing.T) {
	db := New()
	e := db.SetString([]byte("k"), []byte("v"), 1)
	db.SetExpire(e, 100)
	db.Remove(e)
	if db.Len() != 0 || db.Expires() != 0 {
		t.Fatalf("Len %d Expires %d", db.Len(), db.Expires())
	}
	check(t, db)
}
