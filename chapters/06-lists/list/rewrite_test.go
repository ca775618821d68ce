package list_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/list"
	"github.com/gocache/gocache/chapters/06-lists/typecmd"
	"github.com/gocache/gocache/chapters/06-lists/typetest"
)

func TestListRewriteIsRPushInOrder(t *testing.T) {
	for _, n := range typetest.RewriteSizes {
		var l list.List
		var want []string
		for i := range n {
			v := fmt.Sprintf("element %d\r\n", i)
			l.PushRight([]byte(v))
			want = append(want, v)
		}
		b, err := typecmd.AppendRewrite([]byte("prefix"), "k", &l)
		if err != nil || !bytes.HasPrefix(b, []byte("prefix")) {
			t.Fatalf("AppendRewrite: %v, %.20q", err, b)
		}
		got := typetest.SplitRewrite(t, typetest.RewriteCommands(t, b[len("prefix"):]), "RPUSH", "k", n, 1)
		if !slices.Equal(got, want) {
			t.Errorf("n=%d: list elements differ", n)
		}
	}
}
