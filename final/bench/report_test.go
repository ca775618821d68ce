package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestMedianOfRounds(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"one round", []float64{5}, 5},
		{"odd count ignores an outlier", []float64{100, 1, 98}, 98},
		{"even count averages the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"unsorted input", []float64{3, 9, 1, 7, 5}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Median(tt.in); got != tt.want {
				t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
}

func TestMedianLeavesInputOrder(t *testing.T) {
	in := []float64{3, 1, 2}
	Median(in)
	if !reflect.DeepEqual(in, []float64{3, 1, 2}) {
		t.Errorf("Median reordered its input: %v", in)
	}
}

func TestRatioIsGocacheMedianOverRedisMedian(t *testing.T) {
	tests := []struct {
		name           string
		gocache, redis []float64
		want           float64 // NaN: no ratio
	}{
		{"faster", []float64{110, 120, 900}, []float64{100, 100, 100}, 1.2},
		{"slower", []float64{50}, []float64{100}, 0.5},
		{"gocache missing", nil, []float64{100}, math.NaN()},
		{"redis zero", []float64{1}, []float64{0}, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Result{Gocache: tt.gocache, Redis: tt.redis}.Ratio()
			if math.IsNaN(tt.want) != math.IsNaN(got) || (!math.IsNaN(got) && math.Abs(got-tt.want) > 1e-9) {
				t.Errorf("Ratio = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMetComparesWithTheTarget(t *testing.T) {
	tests := []struct {
		name           string
		gocache, redis float64
		target         Target
		met, ok        bool
	}{
		{"throughput at parity", 100, 100, Target{RatioAtLeast, 1}, true, true},
		{"throughput below", 99, 100, Target{RatioAtLeast, 1}, false, true},
		{"key memory within 1.1x", 160, 148, Target{RatioAtMost, 1.1}, true, true},
		{"key memory above 1.1x", 170, 148, Target{RatioAtMost, 1.1}, false, true},
		{"connection memory under 1 KB even if above Redis", 1000, 500, Target{GocacheAtMost, 1024}, true, true},
		{"connection memory over 1 KB", 1100, 2000, Target{GocacheAtMost, 1024}, false, true},
		{"no target", 1, 2, Target{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Result{Gocache: []float64{tt.gocache}, Redis: []float64{tt.redis}, Target: tt.target}
			met, ok := r.Met()
			if met != tt.met || ok != tt.ok {
				t.Errorf("Met() = %v, %v; want %v, %v", met, ok, tt.met, tt.ok)
			}
		})
	}
}

func TestWriteCSVHasMediansRatioAndRounds(t *testing.T) {
	results := []Result{
		{Suite: "throughput", Setting: "-c 50 -P 1", Test: "SET", Unit: "rps",
			Gocache: []float64{90, 110, 100}, Redis: []float64{100, 80, 50}, Target: Target{RatioAtLeast, 1}},
		{Suite: "default-suite", Setting: "-c 50 -P 1", Test: "LPUSH", Unit: "rps",
			Redis: []float64{7}, Note: "unsupported by gocache"},
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, results); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		csvHeader,
		{"throughput", "-c 50 -P 1", "SET", "rps", "100", "80", "1.250", ">= 1.0x", "true", "90;110;100", "100;80;50", ""},
		{"default-suite", "-c 50 -P 1", "LPUSH", "rps", "", "7", "", "", "", "", "7", "unsupported by gocache"},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("CSV =\n%q\nwant\n%q", recs, want)
	}
}

func TestWriteMarkdownOneTablePerSuite(t *testing.T) {
	results := []Result{
		{Suite: "throughput", Setting: "a", Test: "SET", Unit: "rps", Gocache: []float64{2}, Redis: []float64{1}},
		{Suite: "throughput", Setting: "a", Test: "GET", Unit: "rps", Gocache: []float64{1}, Redis: []float64{2}},
		{Suite: "conns", Setting: "b", Test: "RSS growth", Unit: "B/conn", Gocache: []float64{700}, Redis: []float64{1400},
			Target: Target{GocacheAtMost, 1024}},
	}
	var b bytes.Buffer
	WriteMarkdown(&b, results)
	out := b.String()
	if n := strings.Count(out, "| setting |"); n != 2 {
		t.Errorf("%d tables, want 2:\n%s", n, out)
	}
	for _, want := range []string{"| a | SET | 2 | 1 | 2.00x |", "| a | GET | 1 | 2 | 0.50x |", "| 700 B/conn | 1400 B/conn | 0.50x | <= 1024 B | yes |"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestSecondsAndMeans: the replication suite's units read as a reader
// expects, and its lag is a mean (0 for no samples).
func TestSecondsAndMeans(t *testing.T) {
	if got := human(1.186, "s"); got != "1.19 s" {
		t.Errorf("human(1.186, s) = %q", got)
	}
	if got := human(4821.4, "B"); got != "4821 B" {
		t.Errorf("human(4821.4, B) = %q", got)
	}
	if got := mean([]float64{0, 0, 3, 9}); got != 3 {
		t.Errorf("mean = %v, want 3", got)
	}
	if got := mean(nil); got != 0 {
		t.Errorf("mean(nil) = %v, want 0", got)
	}
}
