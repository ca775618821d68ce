package evict

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// Reading reports the Go heap: the bytes of heap objects (live, and dead
// ones not swept yet), the bytes allocated since the process started,
// the number of completed GC cycles and the live bytes the last cycle
// marked.
type Reading struct {
	Objects, Allocs, Cycles, Live uint64
}

// readHeap reads the figures from runtime/metrics (about 250 ns: cheap,
// but not free on every command, hence meter.stale).
func readHeap(s []metrics.Sample) Reading {
	metrics.Read(s)
	return Reading{Objects: s[0].Value.Uint64(), Allocs: s[1].Value.Uint64(), Cycles: s[2].Value.Uint64(), Live: s[3].Value.Uint64()}
}

func heapSamples() []metrics.Sample {
	return []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/allocs:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/gc/heap/live:bytes"},
	}
}

// meter is used_memory. Redis's figure is what its allocator has handed
// out and not taken back. Go frees nothing until the collector runs, so
// the figure here is what the runtime knows for sure: the heap the last
// collection found live, plus everything allocated since, less the keys
// evicted since (which Redis would have freed at once). Garbage made
// otherwise since the last cycle (overwritten values, buffers) counts
// until the next one; the memory limit (see limit) keeps it small.
//
// Why not the heap's object bytes? They fall only as the sweeper frees
// the dead objects a cycle found, some time after the cycle ends: in
// between, the keys evicted before the cycle would count again. The live
// figure is final the moment the cycle ends. Taking the allocation count
// of the reading before the new cycle was seen as its base counts twice
// what was allocated just before the cycle ended and is still live: a
// few commands' worth, an error on the safe side.
//
// Between readings the meter adds an estimate of what commands may have
// allocated (their argument bytes, doubled), so most commands cost a
// comparison; a fresh reading is taken whenever the estimate comes near
// the limit, and every readEvery commands.
type meter struct {
	read    func() Reading
	last    Reading
	base    uint64 // Allocs when the cycle of last.Live was first seen
	evicted uint64 // bytes of keys evicted since then
	grown   uint64 // estimated allocation since the last reading
	stale   int    // commands since the last reading
	started bool
}

// readEvery bounds how many commands run on one reading.
const readEvery = 64

// refresh takes a new reading.
func (m *meter) refresh() {
	r := m.read()
	switch {
	case !m.started:
		// No cycle seen yet: start from the object bytes.
		m.base = r.Allocs - min(r.Allocs, r.Objects-min(r.Objects, r.Live))
		m.started = true
	case r.Cycles != m.last.Cycles:
		m.base, m.evicted = m.last.Allocs, 0
	}
	m.last, m.grown, m.stale = r, 0, 0
}

// used is the current estimate.
func (m *meter) used() uint64 {
	n := m.last.Live + (m.last.Allocs - min(m.last.Allocs, m.base)) + m.grown
	return n - min(n, m.evicted)
}

// garbageHeadroom is the share of maxmemory the heap may exceed it by with
// garbage before the collector must run: the memory limit is maxmemory
// plus this plus the runtime's own non-heap memory. GOGC's default would
// let the heap reach twice the live data (a cache at maxmemory would
// hold 2x maxmemory of RSS); a quarter costs a GC cycle per quarter of
// maxmemory written and keeps RSS near 1.25x.
const garbageHeadroom = 4 // maxmemory/4

// limitSamples are what setLimit needs: total memory the runtime has
// mapped, and the heap's share of it.
func limitSamples() []metrics.Sample {
	return []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
}

// limit owns the process's soft memory limit (debug.SetMemoryLimit) while
// maxmemory is set, and gives back the one it found (GOMEMLIMIT, or none)
// when maxmemory goes back to 0.
type limit struct {
	orig    int64 // the limit before maxmemory was set
	applied int64 // what we set, 0 if none
	samples []metrics.Sample
}

// set makes the collector run before the heap passes maxmemory (or the
// live heap, if larger) plus garbageHeadroom. The runtime's limit covers all the memory it maps, so
// the non-heap part (stacks, GC metadata, unused span space) is added, as
// the runtime itself computes it. A limit the operator set (GOMEMLIMIT)
// that is lower wins.
func (l *limit) set(maxmemory int64) {
	if maxmemory <= 0 {
		if l.applied != 0 {
			debug.SetMemoryLimit(l.orig)
			l.applied = 0
		}
		return
	}
	if l.applied == 0 {
		l.orig = debug.SetMemoryLimit(-1)
	}
	if l.samples == nil {
		l.samples = limitSamples()
	}
	metrics.Read(l.samples)
	total, objects := l.samples[0].Value.Uint64(), l.samples[1].Value.Uint64()
	free, released := l.samples[2].Value.Uint64(), l.samples[3].Value.Uint64()
	// Never below the live heap: with maxmemory under it (a tiny limit,
	// or noeviction over the limit) the collector would run back to back
	// and free nothing.
	base := max(maxmemory, int64(min(l.samples[4].Value.Uint64(), math.MaxInt64/4)))
	nonHeap := int64(0)
	if total > objects+free+released {
		nonHeap = int64(total - objects - free - released)
	}
	want := int64(math.MaxInt64)
	if base < (math.MaxInt64-nonHeap)/2 {
		want = base + base/garbageHeadroom + nonHeap
	}
	want = min(want, l.orig)
	// Small changes of the non-heap part are not worth a call.
	if d := want - l.applied; l.applied == 0 || d > l.applied/16 || -d > l.applied/16 {
		debug.SetMemoryLimit(want)
		l.applied = want
	}
}

// collector starts a garbage collection in the background, one at a time:
// when the estimate says memory is over the limit but the collector may
// find the difference (keys deleted since the last cycle, values of a type
// whose size is not known), waiting for the next natural cycle would
// refuse or evict for nothing.
type collector struct {
	running atomic.Bool
	// gc is runtime.GC; tests count calls.
	gc func()
}

func (c *collector) start() {
	if !c.running.CompareAndSwap(false, true) {
		return
	}
	gc := c.gc
	if gc == nil {
		gc = runtime.GC
	}
	go func() {
		defer c.running.Store(false)
		gc()
	}()
}
