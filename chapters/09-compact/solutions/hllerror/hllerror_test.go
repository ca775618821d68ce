package hllerror

import (
	"math"
	"testing"
)

// TestErrorIsAboutOnePercent: the standard error of a HyperLogLog of
// 16384 registers is 1.04/sqrt(16384) = 0.81%. Over 20 independent sets
// of 100,000 elements, the root mean square of the relative error must be
// near that (between 0.3% and 1.5%, so the test does not depend on luck),
// and no single error may pass 4 standard errors.
func TestErrorIsAboutOnePercent(t *testing.T) {
	const sets, n = 20, 100_000
	sum := 0.0
	for s := 0; s < sets; s++ {
		e, err := RelativeError(string(rune('a'+s))+":", n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(e) > 4*0.0081 {
			t.Errorf("set %d: relative error %.4f", s, e)
		}
		sum += e * e
	}
	rms := math.Sqrt(sum / sets)
	t.Logf("rms relative error over %d sets of %d: %.4f", sets, n, rms)
	if rms < 0.003 || rms > 0.015 {
		t.Errorf("rms relative error %.4f, want about 0.0081", rms)
	}
}

// TestSmallSetsAreNearlyExact: with few elements most registers are
// still 0 and the estimator is close to linear counting.
func TestSmallSetsAreNearlyExact(t *testing.T) {
	for _, n := range []int{1, 10, 100} {
		e, err := RelativeError("small:", n)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(e*float64(n)) > 1+0.02*float64(n) {
			t.Errorf("n=%d: relative error %.4f", n, e)
		}
	}
}
