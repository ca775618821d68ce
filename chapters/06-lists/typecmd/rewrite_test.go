package typecmd_test

import (
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/typecmd"
)

func TestAppendRewriteRefusesAnUnknownValue(t *testing.T) {
	b, err := typecmd.AppendRewrite([]byte("x"), "k", 42)
	if err == nil || string(b) != "x" {
		t.Errorf("AppendRewrite(int) = %q, %v; want x and an error", b, err)
	}
}
