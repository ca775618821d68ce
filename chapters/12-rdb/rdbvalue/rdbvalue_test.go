package rdbvalue

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/gocache/gocache/chapters/03-cache/keyspace"
	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
	"github.com/gocache/gocache/chapters/08-sorted-sets/zset"
	"github.com/gocache/gocache/chapters/12-rdb/rdb"
)

func defaultTypes() Types {
	return Types{
		Lists:  &list.Commands{Fill: list.DefaultFill},
		Hashes: &hash.Commands{Limits: hash.DefaultLimits},
		Sets:   &set.Commands{MaxIntset: set.DefaultMaxIntset},
		ZSets:  &zset.Commands{Limits: zset.DefaultLimits},
	}
}

// TestBuildThenFromEntry builds each type, small and past its listpack or
// intset limits, stores it, and reads it back as the same rdb.Value, with
// the encoding Redis would choose.
func TestBuildThenFromEntry(t *testing.T) {
	many := func(n int, f func(i int) string) [][]byte {
		var out [][]byte
		for i := range n {
			out = append(out, []byte(f(i)))
		}
		return out
	}
	bigHash := rdb.Hash{}
	for i := range 600 {
		bigHash = append(bigHash, [2][]byte{[]byte(fmt.Sprint("f", i)), []byte(fmt.Sprint(i))})
	}
	tests := []struct {
		name string
		v    rdb.Value
		enc  string
	}{
		{"string", rdb.String("hello"), ""},
		{"list", rdb.List{[]byte("a"), []byte("1"), []byte("2")}, "quicklist"},
		{"biglist", rdb.List(many(3000, func(i int) string { return fmt.Sprint("e", i) })), "quicklist"},
		{"hash", rdb.Hash{{[]byte("f"), []byte("1")}, {[]byte("g"), []byte("2")}}, "listpack"},
		{"bighash", bigHash, "hashtable"},
		{"intset", rdb.Set{[]byte("1"), []byte("2"), []byte("3")}, "intset"},
		{"set", rdb.Set{[]byte("a"), []byte("1")}, "hashtable"},
		{"bigintset", rdb.Set(many(600, func(i int) string { return fmt.Sprint(i) })), "hashtable"},
		{"zset", rdb.ZSet{{Member: []byte("a"), Score: 1}, {Member: []byte("b"), Score: 2.5}}, "listpack"},
		{"bigzset", func() rdb.ZSet {
			var z rdb.ZSet
			for i := range 200 {
				z = append(z, rdb.Scored{Member: []byte(fmt.Sprint("m", i)), Score: float64(i)})
			}
			return z
		}(), "skiplist"},
	}
	ty := defaultTypes()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			built, err := ty.Build(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			db := keyspace.New()
			var e *keyspace.Entry
			if b, ok := built.([]byte); ok {
				e = db.SetString([]byte("k"), b, 0)
			} else {
				e = db.Set([]byte("k"), built, 0)
				if got := built.(interface{ Encoding() string }).Encoding(); got != tc.enc {
					t.Errorf("encoding %s, want %s", got, tc.enc)
				}
			}
			back, err := FromEntry(e)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.v
			if s, ok := want.(rdb.Set); ok { // a set's order is its own
				got := map[string]bool{}
				for _, m := range back.(rdb.Set) {
					got[string(m)] = true
				}
				if len(got) != len(s) || len(back.(rdb.Set)) != len(s) {
					t.Fatalf("%d members back, want %d", len(back.(rdb.Set)), len(s))
				}
				for _, m := range s {
					if !got[string(m)] {
						t.Fatalf("member %q lost", m)
					}
				}
				return
			}
			if h, ok := want.(rdb.Hash); ok && tc.enc == "hashtable" {
				got := map[string]string{}
				for _, p := range back.(rdb.Hash) {
					got[string(p[0])] = string(p[1])
				}
				for _, p := range h {
					if got[string(p[0])] != string(p[1]) {
						t.Fatalf("field %q: %q", p[0], got[string(p[0])])
					}
				}
				if len(got) != len(h) {
					t.Fatalf("%d fields back, want %d", len(got), len(h))
				}
				return
			}
			if !reflect.DeepEqual(back, want) {
				t.Errorf("back %.200v, want %.200v", back, want)
			}
		})
	}
}

// TestBuildRefuses: repeated fields or members and empty values are bad
// data, as Redis's loader says.
func TestBuildRefuses(t *testing.T) {
	ty := defaultTypes()
	for _, v := range []rdb.Value{
		rdb.Hash{{[]byte("f"), []byte("1")}, {[]byte("f"), []byte("2")}},
		rdb.Set{[]byte("1"), []byte("1")},
		rdb.Set{[]byte("a"), []byte("a")},
		rdb.ZSet{{Member: []byte("a"), Score: 1}, {Member: []byte("a"), Score: 2}},
		rdb.List{}, rdb.Hash{}, rdb.Set{}, rdb.ZSet{},
	} {
		if _, err := ty.Build(v); err == nil {
			t.Errorf("Build(%v) accepted", v)
		}
	}
}
