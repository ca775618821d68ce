package hll

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"
)

// add builds a value from New with PFADD's steps for each group.
func add(t *testing.T, groups ...[]string) []byte {
	t.Helper()
	b := New()
	for _, g := range groups {
		changed := false
		for _, e := range g {
			var c bool
			var err error
			if b, c, err = Add(b, []byte(e), DefaultSparseMax); err != nil {
				t.Fatal(err)
			}
			changed = changed || c
		}
		if changed {
			Invalidate(b)
		}
	}
	return b
}

// Values read with GET from redis-server 7.0.15 after the same PFADDs.
func TestBytesAsRedisStoresThem(t *testing.T) {
	for _, tc := range []struct {
		groups [][]string
		want   string
	}{
		{[][]string{{}}, "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"},
		{[][]string{{"a", "b", "c"}}, "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ"},
		{[][]string{{"foo", "bar", "zap"}, {"zap", "zap", "foo"}}, "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\\\xb3\x90B\a\x84HX\x80X\xe7"},
	} {
		if got := add(t, tc.groups...); string(got) != tc.want {
			t.Errorf("PFADD %q = %q, want %q", tc.groups, got, tc.want)
		}
	}
	// PFCOUNT caches 3 in the header and clears the stale bit.
	b := add(t, []string{"a", "b", "c"})
	n, err := Count(b)
	if err != nil || n != 3 {
		t.Fatalf("Count = %d, %v; want 3", n, err)
	}
	SetCached(b, n)
	if want := "HYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ"; string(b) != want {
		t.Errorf("after caching: %q, want %q", b, want)
	}
}

// The register and run of each element follow from MurmurHash64A with
// Redis's seed; PFDEBUG DECODE on redis-server 7.0.15 shows them.
func TestRegistersAsRedisHashes(t *testing.T) {
	for _, tc := range []struct {
		elems []string
		want  string
	}{
		{[]string{"a", "b", "c"}, "Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"},
		{[]string{"foo", "bar", "zap"}, "Z:7348 v:5,1 Z:520 v:2,1 Z:2137 v:1,1 Z:6376"},
		{nil, "Z:16384"},
	} {
		if got := Decode(add(t, tc.elems)); got != tc.want {
			t.Errorf("PFADD %q decodes as %q, want %q", tc.elems, got, tc.want)
		}
	}
}

// bulk reads a RESP bulk reply's payload.
func bulk(t *testing.T, reply string) string {
	t.Helper()
	if !strings.HasPrefix(reply, "$") {
		t.Fatalf("not a bulk reply: %q", reply)
	}
	i := strings.Index(reply, "\r\n")
	n, _ := strconv.Atoi(reply[1:i])
	return reply[i+2 : i+2+n]
}

// TestSameBytesAsRedis drives redis-server and this package with the
// same random PFADD and PFMERGE sequences, through the sparse form, its
// promotion to dense on size and the dense form, and compares every
// value byte for byte, and the counts.
func TestSameBytesAsRedis(t *testing.T) {
	c := servertest.Dial(t, servertest.StartRedis(t))
	r := rand.New(rand.NewPCG(1, 2))
	vals := map[string][]byte{}
	keys := []string{"h0", "h1", "h2"}
	for step := 0; step < 150; step++ {
		key := keys[r.IntN(len(keys))]
		switch {
		case step%25 == 24:
			// PFMERGE key other: union into key.
			other := keys[r.IntN(len(keys))]
			c.Do("PFMERGE", key, other)
			var max [Registers]uint8
			for _, k := range []string{key, other} {
				if v, ok := vals[k]; ok {
					if err := Merge(&max, v); err != nil {
						t.Fatal(err)
					}
				}
			}
			v, ok := vals[key]
			if !ok {
				v = New()
			}
			if (vals[other] != nil && IsDense(vals[other])) || IsDense(v) {
				v, _ = ToDense(v)
			}
			v, _ = SetRegisters(v, &max, DefaultSparseMax)
			vals[key] = v
		default:
			n := 1 + r.IntN(60)
			args := []string{"PFADD", key}
			v, ok := vals[key]
			if !ok {
				v = New()
			}
			changed := !ok
			for i := 0; i < n; i++ {
				e := fmt.Sprintf("e%d", r.IntN(20000))
				args = append(args, e)
				var ch bool
				v, ch, _ = Add(v, []byte(e), DefaultSparseMax)
				changed = changed || ch
			}
			if changed {
				Invalidate(v)
			}
			vals[key] = v
			c.Do(args...)
		}
		if got, want := string(vals[key]), bulk(t, c.Do("GET", key)); got != want {
			t.Fatalf("step %d: %s differs from Redis's (%d bytes, dense=%v; Redis %d bytes)", step, key, len(got), IsDense(vals[key]), len(want))
		}
		if step%10 == 0 {
			n, err := Count(vals[key])
			if want := c.Do("PFCOUNT", key); err != nil || fmt.Sprintf(":%d\r\n", n) != want {
				t.Fatalf("step %d: count %d, %v; Redis %q", step, n, err, want)
			}
			SetCached(vals[key], n)
		}
	}
	dense := 0
	for _, v := range vals {
		if IsDense(v) {
			dense++
		}
	}
	if dense == 0 {
		t.Error("no value reached the dense form: the test does not cover it")
	}
}

func TestDenseRegistersRoundTrip(t *testing.T) {
	r := make([]byte, DenseSize-HeaderSize)
	want := make([]uint8, Registers)
	for i := range want {
		want[i] = uint8((i * 37) % 64)
		denseSet(r, i, want[i])
	}
	for i, v := range want {
		if got := denseGet(r, i); got != v {
			t.Fatalf("register %d = %d, want %d", i, got, v)
		}
	}
}

func TestCorruptSparseIsRefused(t *testing.T) {
	hdr := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"
	for _, body := range []string{"", "\x7f\xfe", "\x7f\xff\x00", "\x7f\xff\x7f\xff", "\xff"} {
		b := []byte(hdr + body)
		if _, err := Count(b); err != ErrCorrupt {
			t.Errorf("Count(%q) err = %v, want ErrCorrupt", body, err)
		}
		var max [Registers]uint8
		if err := Merge(&max, b); err != ErrCorrupt {
			t.Errorf("Merge(%q) err = %v, want ErrCorrupt", body, err)
		}
		if _, err := ToDense(b); err != ErrCorrupt {
			t.Errorf("ToDense(%q) err = %v, want ErrCorrupt", body, err)
		}
	}
}

func TestEstimateIsClose(t *testing.T) {
	b := New()
	for i := 0; i < 200000; i++ {
		b, _, _ = Add(b, []byte(strconv.Itoa(i)), DefaultSparseMax)
	}
	n, _ := Count(b)
	if n < 196000 || n > 204000 {
		t.Errorf("Count of 200000 elements = %d, want within 2%%", n)
	}
	if !IsDense(b) {
		t.Error("200000 elements stayed sparse")
	}
}

// DenseAdd's patches give the bytes Add writes.
func TestDenseAddPatchesAsAdd(t *testing.T) {
	b, _ := ToDense(New())
	for i := 0; i < 20000; i++ {
		ele := []byte(strconv.Itoa(i))
		off, patch, changed := DenseAdd(b, ele)
		want, wantChanged, _ := Add(append([]byte(nil), b...), ele, DefaultSparseMax)
		if changed != wantChanged {
			t.Fatalf("element %d: DenseAdd changed=%v, Add %v", i, changed, wantChanged)
		}
		copy(b[off:], patch)
		if string(b) != string(want) {
			t.Fatalf("element %d: patched value differs from Add's", i)
		}
	}
}
