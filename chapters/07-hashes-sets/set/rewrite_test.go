package set_test

import (
	"fmt"
	"slices"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
	"github.com/gocache/gocache/chapters/07-hashes-sets/set"
)

func TestSetRewriteIsSAddOfEveryMember(t *testing.T) {
	for _, ints := range []bool{true, false} {
		for _, n := range typetest.RewriteSizes {
			member := func(i int) string {
				if ints {
					return strconv.Itoa(i*7 - 300)
				}
				return fmt.Sprintf("member %d", i)
			}
			s := set.New([]byte(member(0)))
			var want []string
			for i := range n {
				s.Add([]byte(member(i)), set.DefaultMaxIntset)
				want = append(want, member(i))
			}
			b, _ := typecmd.AppendRewrite(nil, "s", s)
			got := typetest.SplitRewrite(t, typetest.RewriteCommands(t, b), "SADD", "s", n, 1)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("n=%d (%s): set members differ", n, s.Encoding())
			}
		}
	}
}
