package hash_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
	"github.com/gocache/gocache/chapters/07-hashes-sets/hash"
)

func TestHashRewriteIsHSetOfEveryPair(t *testing.T) {
	for _, n := range typetest.RewriteSizes {
		var h hash.Hash
		want := map[string]string{}
		for i := range n {
			f, v := fmt.Sprintf("field %d", i), strconv.Itoa(i*i)
			h.Set([]byte(f), []byte(v), hash.DefaultLimits)
			want[f] = v
		}
		b, _ := typecmd.AppendRewrite(nil, "h", &h)
		words := typetest.SplitRewrite(t, typetest.RewriteCommands(t, b), "HSET", "h", n, 2)
		got := map[string]string{}
		for i := 0; i < len(words); i += 2 {
			got[words[i]] = words[i+1]
		}
		if len(got) != n || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("n=%d (%s): hash pairs differ", n, h.Encoding())
		}
	}
}
