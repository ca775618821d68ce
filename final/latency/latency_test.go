package latency

import (
	"bytes"
	"reflect"
	"testing"
)

// TestSparklineLikeRedis: LATENCY GRAPH's body for two samples, 30 ms a
// second ago and 10 ms now, as redis-server 7.0 draws it.
func TestSparklineLikeRedis(t *testing.T) {
	var s sparkline
	s.add(30, "1s")
	s.add(10, "0s")
	var b bytes.Buffer
	s.render(&b, graphCols, 4)
	want := "# \n| \n| \n|_\n  \n10\nss\n"
	if b.String() != want {
		t.Errorf("sparkline = %q, want %q", b.String(), want)
	}
}

// TestSparklineSteps: a ramp climbs through the fill characters row by
// row; more values than columns wrap into a second block.
func TestSparklineSteps(t *testing.T) {
	var s sparkline
	for v := range 13 {
		s.add(float64(v), "")
	}
	var b bytes.Buffer
	s.render(&b, 10, 4)
	want := "         _\n      _o#|\n   _o#||||\n_o#|||||||\n" + "\n" + "o##\n|||\n|||\n|||\n"
	if b.String() != want {
		t.Errorf("sparkline =\n%s\nwant\n%s", b.String(), want)
	}
}

// TestHistogramBuckets: two significant digits, as HdrHistogram counts
// them: exact below 256, then buckets of 1/128 of a power of two.
func TestHistogramBuckets(t *testing.T) {
	for _, tc := range []struct{ v, lo, hi int64 }{
		{1, 1, 1}, {255, 255, 255}, {256, 256, 257}, {1024, 1024, 1031},
		{8000, 8000, 8031}, {8031, 8000, 8031}, {1 << 20, 1 << 20, 1<<20 + 8191},
	} {
		if lo, hi := lowest(tc.v), highest(tc.v); lo != tc.lo || hi != tc.hi {
			t.Errorf("%d: [%d, %d], want [%d, %d]", tc.v, lo, hi, tc.lo, tc.hi)
		}
	}
	var h Histogram
	for _, ns := range []int64{900, 1500, 1500, 3000, 8000} {
		h.Record(ns)
	}
	if p := h.Percentile(50); p != highest(1500) {
		t.Errorf("p50 = %d, want %d", p, highest(1500))
	}
	if p := h.Percentile(99.9); p != 8031 {
		t.Errorf("p99.9 = %d, want 8031", p)
	}
	micros, counts := h.Cumulative()
	if !reflect.DeepEqual(micros, []int64{1, 2, 4, 8}) || !reflect.DeepEqual(counts, []int64{1, 3, 4, 5}) {
		t.Errorf("cumulative = %v %v, want [1 2 4 8] [1 3 4 5]", micros, counts)
	}
}
