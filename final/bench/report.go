package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Result is one row of the report: the same measurement taken on gocache
// and on redis-server, once per round. Keeping every round (not just the
// median) lets a reader of the CSV see how noisy the machine was.
type Result struct {
	Suite   string    // throughput, conns, keys, aof, default-suite, commands
	Setting string    // e.g. "-c 50 -P 16"
	Test    string    // redis-benchmark test name, or what was measured
	Unit    string    // "rps", "B/conn", "B/key"
	Gocache []float64 // one value per round
	Redis   []float64
	Target  Target
	Note    string // e.g. "unsupported by gocache"
}

// Target is the goal a row is held to. Throughput goals are ratios
// (gocache at least as fast as Redis); the idle connection goal is an
// absolute byte count because Redis's own number is not the bar there.
type Target struct {
	Kind  TargetKind
	Value float64
}

// TargetKind says how Target.Value is compared.
type TargetKind int

const (
	NoTarget      TargetKind = iota
	RatioAtLeast             // gocache/redis >= Value
	RatioAtMost              // gocache/redis <= Value
	GocacheAtMost            // gocache's own median <= Value (in the row's unit)
)

func (t Target) String() string {
	switch t.Kind {
	case RatioAtLeast:
		return fmt.Sprintf(">= %.1fx", t.Value)
	case RatioAtMost:
		return fmt.Sprintf("<= %.1fx", t.Value)
	case GocacheAtMost:
		return fmt.Sprintf("<= %.0f B", t.Value)
	}
	return ""
}

// Median is the middle value (mean of the two middle values for an even
// count); NaN for no values. The median, not the mean, because one round
// disturbed by other work on the machine should not move the result.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Ratio is gocache's median over Redis's: above 1 means gocache is faster
// (rps) or bigger (bytes). NaN when either side has no value or Redis's is 0.
func (r Result) Ratio() float64 {
	g, red := Median(r.Gocache), Median(r.Redis)
	if math.IsNaN(g) || math.IsNaN(red) || red == 0 {
		return math.NaN()
	}
	return g / red
}

// Met reports whether the row reaches its target; ok is false when there
// is no target or nothing to compare.
func (r Result) Met() (met, ok bool) {
	ratio, g := r.Ratio(), Median(r.Gocache)
	switch r.Target.Kind {
	case RatioAtLeast:
		return ratio >= r.Target.Value, !math.IsNaN(ratio)
	case RatioAtMost:
		return ratio <= r.Target.Value, !math.IsNaN(ratio)
	case GocacheAtMost:
		return g <= r.Target.Value, !math.IsNaN(g)
	}
	return false, false
}

// csvHeader names the columns of WriteCSV; docs/bench/plot.py reads them
// by name, so adding a column does not break it.
var csvHeader = []string{"suite", "setting", "test", "unit", "gocache", "redis", "ratio",
	"target", "met", "gocache_rounds", "redis_rounds", "note"}

// WriteCSV writes one line per result: medians, ratio, target and the
// raw rounds separated by ';'.
func WriteCSV(w io.Writer, results []Result) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, r := range results {
		met, ok := r.Met()
		metS := ""
		if ok {
			metS = strconv.FormatBool(met)
		}
		cw.Write([]string{r.Suite, r.Setting, r.Test, r.Unit,
			num(Median(r.Gocache)), num(Median(r.Redis)), ratioNum(r.Ratio()),
			r.Target.String(), metS, joinRounds(r.Gocache), joinRounds(r.Redis), r.Note})
	}
	cw.Flush()
	return cw.Error()
}

// num formats a measurement: whole numbers stay whole (rps, bytes), NaN
// becomes empty so spreadsheets see a missing value.
func num(f float64) string {
	if math.IsNaN(f) {
		return ""
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

func ratioNum(f float64) string {
	if math.IsNaN(f) {
		return ""
	}
	return strconv.FormatFloat(f, 'f', 3, 64)
}

func joinRounds(v []float64) string {
	s := make([]string, len(v))
	for i, f := range v {
		s[i] = num(f)
	}
	return strings.Join(s, ";")
}

// WriteMarkdown prints one table per suite, in the order the results came.
func WriteMarkdown(w io.Writer, results []Result) {
	suite := ""
	for _, r := range results {
		if r.Suite != suite {
			suite = r.Suite
			fmt.Fprintf(w, "\n### %s\n\n", suite)
			fmt.Fprintln(w, "| setting | test | gocache | redis | gocache/redis | target | met |")
			fmt.Fprintln(w, "|---|---|---:|---:|---:|---|---|")
		}
		met, ok := r.Met()
		metS := ""
		if ok {
			metS = map[bool]string{true: "yes", false: "**no**"}[met]
		}
		ratio := "n/a"
		if x := r.Ratio(); !math.IsNaN(x) {
			ratio = fmt.Sprintf("%.2fx", x)
		}
		if r.Note != "" {
			ratio += " (" + r.Note + ")"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Setting, r.Test,
			human(Median(r.Gocache), r.Unit), human(Median(r.Redis), r.Unit), ratio, r.Target, metS)
	}
}

// human renders a median with its unit for the table.
func human(f float64, unit string) string {
	if math.IsNaN(f) {
		return "-"
	}
	switch unit {
	case "rps":
		return fmt.Sprintf("%.0f", f)
	case "s":
		return fmt.Sprintf("%.2f s", f)
	}
	return fmt.Sprintf("%.0f %s", f, unit)
}
