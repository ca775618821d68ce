package sparse

import (
	"strconv"
	"testing"

	"github.com/gocache/gocache/chapters/02-resp/servertest"

	"github.com/gocache/gocache/chapters/09-compact/hll"
)

func TestDenseAt(t *testing.T) {
	prev := 0
	for _, max := range []int{500, 1000, 3000, 6000} {
		n, last, err := DenseAt(max)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("hll-sparse-max-bytes %d: dense after %d elements (sparse value %d bytes before)", max, n, last)
		if last > max {
			t.Errorf("max %d: a sparse value of %d bytes", max, last)
		}
		if n <= prev {
			t.Errorf("max %d: dense after %d elements, not more than with a smaller max (%d)", max, n, prev)
		}
		prev = n
	}
	if n, _, _ := DenseAt(hll.DefaultSparseMax); n != 1684 {
		t.Errorf("default: dense after %d elements, want 1684 (solutions/README.md)", n)
	}
}

// TestRedisTurnsDenseAtTheSameElement adds the same elements to
// redis-server one by one: its HyperLogLog turns dense at the same one,
// since package hll builds the same bytes.
func TestRedisTurnsDenseAtTheSameElement(t *testing.T) {
	want, _, err := DenseAt(hll.DefaultSparseMax)
	if err != nil {
		t.Fatal(err)
	}
	c := servertest.Dial(t, servertest.StartRedis(t))
	for i := 0; i < want+10; i++ {
		c.Do("PFADD", "h", "e"+strconv.Itoa(i))
		if c.Do("PFDEBUG", "ENCODING", "h") == "+dense\r\n" {
			if i+1 != want {
				t.Fatalf("redis-server turned dense after %d elements, gocache after %d", i+1, want)
			}
			return
		}
	}
	t.Fatalf("redis-server still sparse after %d elements", want+10)
}
