package chunks

import (
	"bytes"
	"testing"

	"github.com/gocache/gocache/chapters/06-lists/list"
)

func TestPredictMatchesTheList(t *testing.T) {
	for _, tc := range []struct{ n, size, fill int }{
		{10000, 10, -2}, {10000, 10, -1}, {10000, 10, 128}, {10000, 10, -5},
		{1000, 5000, -2}, {1, 10, -2}, {5000, 100, 1000},
	} {
		l := &list.List{Fill: tc.fill}
		v := bytes.Repeat([]byte("x"), tc.size)
		for i := 0; i < tc.n; i++ {
			l.PushRight(v)
		}
		if got, want := l.Chunks(), Predict(tc.n, tc.size, tc.fill); got != want {
			t.Errorf("%d elements of %d bytes, fill %d: the list has %d chunks, predicted %d", tc.n, tc.size, tc.fill, got, want)
		}
	}
}

// TestTenThousandTenByteElements is the exercise's question: 12-byte
// entries, 682 to an 8 KiB chunk, 15 chunks.
func TestTenThousandTenByteElements(t *testing.T) {
	if got := Predict(10000, 10, -2); got != 15 {
		t.Fatalf("Predict = %d, want 15", got)
	}
}
