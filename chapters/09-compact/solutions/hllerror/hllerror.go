// Package hllerror is exercise 1 of chapter 09: how far is PFCOUNT from
// the truth? It adds n distinct elements to one HyperLogLog with package
// hll, exactly as PFADD does, and compares the estimate with n.
package hllerror

import (
	"strconv"

	"github.com/gocache/gocache/chapters/09-compact/hll"
)

// RelativeError adds the n distinct elements prefix0, prefix1 ... to a new
// HyperLogLog and returns (estimate - n) / n.
func RelativeError(prefix string, n int) (float64, error) {
	b := hll.New()
	buf := []byte(prefix)
	for i := 0; i < n; i++ {
		var err error
		if b, _, err = hll.Add(b, strconv.AppendInt(buf[:len(prefix)], int64(i), 10), hll.DefaultSparseMax); err != nil {
			return 0, err
		}
	}
	est, err := hll.Count(b)
	if err != nil {
		return 0, err
	}
	return (float64(est) - float64(n)) / float64(n), nil
}
