package reverse

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/listpack"
)

func TestReverseIsTheForwardWalkBackwards(t *testing.T) {
	for _, n := range []int{0, 1, 2, 100} {
		var p listpack.Pack
		for i := 0; i < n; i++ {
			// entries of 0 to 300 bytes, so some backlens take two bytes
			p.Append(bytes.Repeat([]byte(strconv.Itoa(i%10)), rand.IntN(300)))
		}
		var forward [][]byte
		for o := 0; o < p.End(); {
			v, next := p.Get(o)
			forward = append(forward, v)
			o = next
		}
		back := Reverse(&p)
		if len(back) != len(forward) {
			t.Fatalf("n=%d: %d entries backwards, %d forwards", n, len(back), len(forward))
		}
		for i := range back {
			if !bytes.Equal(back[i], forward[len(forward)-1-i]) {
				t.Fatalf("n=%d: entry %d from the end differs", n, i)
			}
		}
	}
}

func TestBacklenOfA200ByteEntryIsTwoBytes(t *testing.T) {
	// header 2 bytes (200 >= 128) + data 200 = 202, which needs 2 bytes of 7 bits
	if got := BacklenBytes(200); got != 2 {
		t.Fatalf("BacklenBytes(200) = %d, want 2", got)
	}
	if got := BacklenBytes(5); got != 1 {
		t.Fatalf("BacklenBytes(5) = %d, want 1", got)
	}
}
