// Package sparse is exercise 2 of chapter 09: a new HyperLogLog is sparse
// (run lengths of registers) and turns dense (12 KB) when the sparse form
// would pass hll-sparse-max-bytes, or a register needs more than 32.
// DenseAt finds how many distinct elements that takes.
package sparse

import (
	"strconv"

	"github.com/gocache/gocache/chapters/09-compact/hll"
)

// DenseAt adds distinct elements to a new HyperLogLog under the given
// hll-sparse-max-bytes until it turns dense, and returns how many it took
// and the length of the sparse value just before.
func DenseAt(sparseMax int) (elements, lastSparseLen int, err error) {
	b := hll.New()
	for i := 0; ; i++ {
		prev := len(b)
		if b, _, err = hll.Add(b, []byte("e"+strconv.Itoa(i)), sparseMax); err != nil {
			return 0, 0, err
		}
		if hll.IsDense(b) {
			return i + 1, prev, nil
		}
	}
}
