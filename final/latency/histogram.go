package latency

import "slices"

// Histogram counts durations in nanoseconds the way Redis's per-command
// latency histograms do (an HdrHistogram with two significant digits):
// values below 256 are counted exactly, and above that each power of two
// is cut into 128 equal sub-buckets, so a value is known to within 1%.
// LATENCY HISTOGRAM and INFO latencystats read the same buckets as Redis
// would, so their numbers look like Redis's (p50=8.031 for 8 µs).
type Histogram struct {
	counts map[int64]int64 // bucket's lowest value -> count
	total  int64
}

// subBits is log2 of the 128 sub-buckets of each power of two: two
// significant digits need 200 sub-buckets, the next power of two is 256,
// half of which cover each doubling.
const subBits = 7

// bucketWidth is the width of the bucket that holds v: 1 below 256,
// then doubling with each power of two.
func bucketWidth(v int64) int64 {
	shift := bitLen(v) - 1 - subBits
	if shift < 0 {
		return 1
	}
	return 1 << shift
}

func bitLen(v int64) int {
	n := 0
	for v > 0 {
		v >>= 1
		n++
	}
	return n
}

// lowest and highest are the range of values counted as v.
func lowest(v int64) int64  { w := bucketWidth(v); return v / w * w }
func highest(v int64) int64 { return lowest(v) + bucketWidth(v) - 1 }

// Record counts one duration of ns nanoseconds (at least 1, at most 1 s,
// as Redis's histograms clamp them).
func (h *Histogram) Record(ns int64) {
	ns = min(max(ns, 1), 1_000_000_000)
	if h.counts == nil {
		h.counts = map[int64]int64{}
	}
	h.counts[lowest(ns)]++
	h.total++
}

// Calls is the number of durations recorded.
func (h *Histogram) Calls() int64 { return h.total }

// buckets are the non-empty buckets' lowest values, in order.
func (h *Histogram) buckets() []int64 {
	b := make([]int64, 0, len(h.counts))
	for v := range h.counts {
		b = append(b, v)
	}
	slices.Sort(b)
	return b
}

// Percentile is HdrHistogram's value at percentile p, in nanoseconds:
// the highest value of the bucket where the count reaches p% of all.
func (h *Histogram) Percentile(p float64) int64 {
	want := int64(min(p, 100)/100*float64(h.total) + 0.5)
	want = max(want, 1)
	var seen int64
	for _, v := range h.buckets() {
		seen += h.counts[v]
		if seen >= want {
			return highest(v)
		}
	}
	return 0
}

// Cumulative is LATENCY HISTOGRAM's view: for each power of two from
// 1024 ns up, the microseconds it stands for and how many durations were
// at most that long, listing a level only where the count grew (Redis's
// fillCommandCDF over a logarithmic HdrHistogram iterator).
func (h *Histogram) Cumulative() (micros, counts []int64) {
	b := h.buckets()
	var seen, prev int64
	i := 0
	for level := int64(1024); seen < h.total; level *= 2 {
		for i < len(b) && b[i] <= lowest(level) {
			seen += h.counts[b[i]]
			i++
		}
		if seen > prev {
			micros = append(micros, highest(level)/1000)
			counts = append(counts, seen)
		}
		prev = seen
	}
	return micros, counts
}
