// Package latency is Redis's latency monitor (latency.c) and its
// per-command latency histograms: LATENCY LATEST, HISTORY, RESET, GRAPH,
// DOCTOR and HISTOGRAM, and INFO latencystats.
//
// The monitor keeps, per event ("command", "fast-command", or what
// another layer reports with Sample), the worst latency of each of the
// last 160 seconds in which the event took latency-monitor-threshold
// milliseconds or more; 0 turns it off, as by default. The histograms
// count every call of every command (latency-tracking, on by default).
//
// Everything here runs on the loop goroutine.
package latency

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// seriesLen is LATENCY_TS_LEN: seconds of history kept per event.
const seriesLen = 160

// Monitor is the latency monitor of one server.
type Monitor struct {
	// Threshold is latency-monitor-threshold in milliseconds: events at
	// least this slow are sampled; 0 samples nothing.
	Threshold int64
	// Tracking is latency-tracking: whether calls go to the histograms.
	Tracking bool
	// Percentiles are latency-tracking-info-percentiles, for INFO.
	Percentiles []float64
	// SlowLog says how the slow log is set, for DOCTOR's advice:
	// slowlog-log-slower-than in microseconds and slowlog-max-len.
	SlowLog func() (slowerThan int64, maxLen int)

	srv    *server.Server
	events map[string]*series
	hist   map[*server.Command]*Histogram
}

// series is one event's samples, a ring of seriesLen.
type series struct {
	idx     int
	max     int64
	samples [seriesLen]sample
}

type sample struct {
	time    int64 // unix seconds; 0: empty
	latency int64 // milliseconds
}

// Register adds LATENCY and INFO latencystats to s and starts measuring
// its calls, with Redis's defaults.
func Register(s *server.Server) *Monitor {
	m := &Monitor{
		Tracking:    true,
		Percentiles: []float64{50, 99, 99.9},
		SlowLog:     func() (int64, int) { return 10000, 128 },
		srv:         s,
		events:      map[string]*series{},
		hist:        map[*server.Command]*Histogram{},
	}
	const flags = server.Admin | server.NoScript | server.Loading | server.Stale
	sub := server.Table{}
	sub.Add(
		&server.Command{Name: "latest", Arity: 2, Flags: flags, Run: m.latest},
		&server.Command{Name: "history", Arity: 3, Flags: flags, Run: m.history},
		&server.Command{Name: "reset", Arity: -2, Flags: flags, Run: m.reset},
		&server.Command{Name: "graph", Arity: 3, Flags: flags, Run: m.graph},
		&server.Command{Name: "doctor", Arity: 2, Flags: flags, Run: func(c *server.Client) { c.W.Verbatim("txt", m.doctor()) }},
		&server.Command{Name: "histogram", Arity: -2, Flags: flags, Run: m.histogram},
		&server.Command{Name: "help", Arity: 2, Flags: server.Loading | server.Stale, Run: help},
	)
	s.Commands.Add(&server.Command{Name: "latency", Arity: -2, Group: "server", Subcommands: sub})
	s.ObserveCalls(m)
	s.UseStats(m) // CONFIG RESETSTAT forgets the histograms
	s.AddInfo("Latencystats", false, m.info)
	return m
}

// Called measures a call (server.CallObserver), as Redis's call() does:
// a command that blocked is measured when it is served, not here.
func (m *Monitor) Called(c *server.Client, cmd *server.Command, _ bool) {
	if c.Blocked() {
		return
	}
	took := m.srv.CallDuration()
	event := "command"
	if cmd.Flags&server.Fast != 0 {
		event = "fast-command"
	}
	m.Sample(event, took)
	if m.Tracking {
		h := m.hist[cmd]
		if h == nil {
			h = &Histogram{}
			m.hist[cmd] = h
		}
		h.Record(took.Nanoseconds())
	}
}

// Sample reports that event took d, for the monitor to keep if it is at
// least the threshold (Redis's latencyAddSampleIfNeeded): within one
// second only the worst is kept.
func (m *Monitor) Sample(event string, d time.Duration) {
	ms := d.Milliseconds()
	if m.Threshold == 0 || ms < m.Threshold {
		return
	}
	ts := m.events[event]
	if ts == nil {
		ts = &series{}
		m.events[event] = ts
	}
	ts.max = max(ts.max, ms)
	now := m.srv.Now().Unix()
	prev := &ts.samples[(ts.idx+seriesLen-1)%seriesLen]
	if prev.time == now {
		prev.latency = max(prev.latency, ms)
		return
	}
	ts.samples[ts.idx] = sample{now, ms}
	ts.idx = (ts.idx + 1) % seriesLen
}

// ordered are ts's samples, oldest first.
func (ts *series) ordered() []sample {
	var out []sample
	for j := range seriesLen {
		if s := ts.samples[(ts.idx+j)%seriesLen]; s.time != 0 {
			out = append(out, s)
		}
	}
	return out
}

func (m *Monitor) names() []string {
	names := make([]string, 0, len(m.events))
	for n := range m.events {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// latest is LATENCY LATEST: per event, the last sample's time and
// latency, and the worst ever.
func (m *Monitor) latest(c *server.Client) {
	c.W.Array(len(m.events))
	for _, name := range m.names() {
		ts := m.events[name]
		last := ts.samples[(ts.idx+seriesLen-1)%seriesLen]
		c.W.Array(4)
		c.W.BulkString(name)
		c.W.Int(last.time)
		c.W.Int(last.latency)
		c.W.Int(ts.max)
	}
}

// history is LATENCY HISTORY event: its samples, oldest first.
func (m *Monitor) history(c *server.Client) {
	ts := m.events[string(c.Args[2])]
	if ts == nil {
		c.W.Array(0)
		return
	}
	samples := ts.ordered()
	c.W.Array(len(samples))
	for _, s := range samples {
		c.W.Array(2)
		c.W.Int(s.time)
		c.W.Int(s.latency)
	}
}

// reset is LATENCY RESET [event ...]: forget the events named, or all;
// the reply is how many were forgotten.
func (m *Monitor) reset(c *server.Client) {
	n := 0
	if len(c.Args) == 2 {
		n = len(m.events)
		clear(m.events)
	}
	for _, a := range c.Args[2:] {
		if _, ok := m.events[string(a)]; ok {
			delete(m.events, string(a))
			n++
		}
	}
	c.W.Int(int64(n))
}

// graph is LATENCY GRAPH event: the samples as a sparkline, each labelled
// with how long ago it was taken.
func (m *Monitor) graph(c *server.Client) {
	name := string(c.Args[2])
	ts := m.events[name]
	if ts == nil {
		c.Error("ERR No samples available for event '" + name + "'")
		return
	}
	var seq sparkline
	var lo, hi int64
	now := m.srv.Now().Unix()
	for i, s := range ts.ordered() {
		if i == 0 {
			lo, hi = s.latency, s.latency
		}
		lo, hi = min(lo, s.latency), max(hi, s.latency)
		seq.add(float64(s.latency), ago(now-s.time))
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s - high %d ms, low %d ms (all time high %d ms)\n", name, hi, lo, ts.max)
	b.WriteString(strings.Repeat("-", graphCols) + "\n")
	seq.render(&b, graphCols, 4)
	c.W.Verbatim("txt", b.String())
}

// ago is a sample's label: seconds, minutes, hours or days ago.
func ago(secs int64) string {
	switch {
	case secs < 60:
		return strconv.FormatInt(secs, 10) + "s"
	case secs < 3600:
		return strconv.FormatInt(secs/60, 10) + "m"
	case secs < 86400:
		return strconv.FormatInt(secs/3600, 10) + "h"
	}
	return strconv.FormatInt(secs/86400, 10) + "d"
}

// histogram is LATENCY HISTOGRAM [command ...]: for each command named
// (a container stands for its subcommands), or for all, its calls and
// cumulative latency histogram. Unknown names and commands never called
// are left out.
func (m *Monitor) histogram(c *server.Client) {
	var cmds []*server.Command
	if len(c.Args) == 2 {
		cmds = m.called(m.srv.Commands)
	}
	for _, a := range c.Args[2:] {
		cmd := m.lookup(string(a))
		if cmd == nil {
			continue
		}
		if m.hist[cmd] != nil {
			cmds = append(cmds, cmd)
		}
		cmds = append(cmds, m.called(cmd.Subcommands)...)
	}
	c.W.Map(len(cmds))
	for _, cmd := range cmds {
		h := m.hist[cmd]
		c.W.BulkString(cmd.FullName())
		c.W.Map(2)
		c.W.BulkString("calls")
		c.W.Int(h.Calls())
		c.W.BulkString("histogram_usec")
		micros, counts := h.Cumulative()
		c.W.Map(len(micros))
		for i := range micros {
			c.W.Int(micros[i])
			c.W.Int(counts[i])
		}
	}
}

// lookup finds a command by name, "config|get" for a subcommand.
func (m *Monitor) lookup(name string) *server.Command {
	top, sub, isSub := strings.Cut(name, "|")
	cmd := m.srv.Commands.Lookup([]byte(top))
	if cmd == nil || !isSub {
		return cmd
	}
	return cmd.Subcommands.Lookup([]byte(sub))
}

// called are the commands of t, and their subcommands, that have a
// histogram, by name.
func (m *Monitor) called(t server.Table) []*server.Command {
	var out []*server.Command
	for _, name := range sortedNames(t) {
		cmd := t[name]
		if m.hist[cmd] != nil {
			out = append(out, cmd)
		}
		out = append(out, m.called(cmd.Subcommands)...)
	}
	return out
}

func sortedNames(t server.Table) []string {
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// info is INFO latencystats: each called command's percentiles, in
// microseconds.
func (m *Monitor) info(b *bytes.Buffer) {
	for _, cmd := range m.called(m.srv.Commands) {
		h := m.hist[cmd]
		fmt.Fprintf(b, "latency_percentiles_usec_%s:", cmd.FullName())
		for i, p := range m.Percentiles {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "p%s=%.3f", strconv.FormatFloat(p, 'f', -1, 64), float64(h.Percentile(p))/1000)
		}
		b.WriteString("\r\n")
	}
}

// ResetStats forgets the histograms (CONFIG RESETSTAT).
func (m *Monitor) ResetStats() { clear(m.hist) }

func help(c *server.Client) {
	server.ReplyHelp(c,
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.",
	)
}
