package evict

import (
	"testing"

	"github.com/gocache/gocache/chapters/03-cache/keyspace"
)

const minute = 60000 // ms

func TestLFUIncrFollowsLFULogIncr(t *testing.T) {
	for _, tc := range []struct {
		counter uint32
		factor  int
		r       float64
		want    uint32
	}{
		{5, 10, 0.999, 6},              // at LFU_INIT_VAL the probability is 1
		{3, 10, 0.999, 4},              // below it too (baseval clamps to 0)
		{6, 10, 0.0900, 7},             // p = 1/(1*10+1) = 0.0909...
		{6, 10, 0.0910, 6},             // just above p
		{15, 10, 1.0 / 101 * 0.99, 16}, // p = 1/(10*10+1)
		{15, 10, 1.0 / 101 * 1.01, 15},
		{15, 0, 0.999, 16},    // lfu-log-factor 0: every hit counts
		{255, 10, 0, 255},     // saturated
		{254, 0, 0, 255},      // reaches the top
		{105, 100, 1e-5, 106}, // p = 1/(100*100+1) ~ 9.999e-5
		{105, 100, 1e-4, 105},
	} {
		if got := lfuIncr(tc.counter, tc.factor, tc.r); got != tc.want {
			t.Errorf("lfuIncr(%d, factor %d, r %g) = %d, want %d", tc.counter, tc.factor, tc.r, got, tc.want)
		}
	}
}

func TestLFUDecayFollowsLFUDecrAndReturn(t *testing.T) {
	lfu := func(minutes, counter uint32) uint32 { return minutes<<8 | counter }
	for _, tc := range []struct {
		name  string
		lru   uint32
		now   int64 // ms
		decay int
		want  uint32
	}{
		{"same minute", lfu(100, 10), 100 * minute, 1, 10},
		{"within the minute", lfu(100, 10), 100*minute + 59999, 1, 10},
		{"three minutes", lfu(100, 10), 103 * minute, 1, 7},
		{"decay time 2", lfu(100, 10), 105 * minute, 2, 8},
		{"decays to zero, not below", lfu(100, 10), 200 * minute, 1, 0},
		{"exactly to zero", lfu(100, 10), 110 * minute, 1, 0},
		{"decay time 0: never", lfu(100, 10), 9000 * minute, 0, 10},
		// 16-bit minutes wrap: Redis counts 65535-ldt+now (10, not 11).
		{"across the wrap", lfu(65530, 20), (65536 + 5) * minute, 1, 10},
		{"clock wrapped to the same minute", lfu(7, 9), (65536 + 7) * minute, 1, 9},
	} {
		if got := LFUDecay(tc.lru, tc.now, tc.decay); got != tc.want {
			t.Errorf("%s: LFUDecay(%#x, %d, %d) = %d, want %d", tc.name, tc.lru, tc.now, tc.decay, got, tc.want)
		}
	}
}

func TestLFUTouchStartsNewKeysAtInitValAndKeepsTheMinute(t *testing.T) {
	ev := &Evictor{LFULogFactor: 10, LFUDecayTime: 1, rand: func() float64 { return 0 }}
	now := int64(1000 * minute)
	e := &keyspace.Entry{}
	lfuCounter{ev}.Touch(e, now) // a new key: no increment
	if got := e.LRU; got != 1000<<8|LFUInitVal {
		t.Fatalf("new key: LRU = %#x, want minute 1000 counter 5", got)
	}
	lfuCounter{ev}.Touch(e, now+30000) // r = 0 always increments
	if got := e.LRU & 0xff; got != 6 {
		t.Errorf("after one hit: counter %d, want 6", got)
	}
	ev.rand = func() float64 { return 0.999 }
	// 5 minutes idle: 6-5 = 1; below LFU_INIT_VAL the increment is
	// certain even with r = 0.999.
	lfuCounter{ev}.Touch(e, now+5*minute)
	if got, min := e.LRU&0xff, e.LRU>>8; got != 2 || min != 1005 {
		t.Errorf("after 5 idle minutes: counter %d minute %d, want 2 and 1005", got, min)
	}
	e.LRU = 1005<<8 | 6
	lfuCounter{ev}.Touch(e, now+5*minute) // above it, r = 0.999 misses p = 1/11
	if got := e.LRU & 0xff; got != 6 {
		t.Errorf("counter 6 with r 0.999: %d, want 6", got)
	}
}

func TestLFUCounterGrowsLogarithmically(t *testing.T) {
	// With the default factor 10, Redis's table (redis.conf) says about
	// 100 hits give ~10, 1000 hits ~18, 100K hits ~142.
	ev := &Evictor{LFULogFactor: 10, LFUDecayTime: 1}
	seq := uint64(1)
	ev.rand = func() float64 { // a fixed-seed generator: the test is repeatable
		seq = seq*6364136223846793005 + 1442695040888963407
		return float64(seq>>11) / (1 << 53)
	}
	e := &keyspace.Entry{}
	now := int64(50 * minute)
	lfuCounter{ev}.Touch(e, now)
	for _, step := range []struct {
		hits     int
		min, max uint32
	}{{100, 8, 13}, {1000, 15, 22}, {100000, 120, 160}} {
		e.LRU = lfuMinutes(now)<<8 | LFUInitVal
		for range step.hits {
			lfuCounter{ev}.Touch(e, now)
		}
		if c := e.LRU & 0xff; c < step.min || c > step.max {
			t.Errorf("%d hits: counter %d, want %d..%d", step.hits, c, step.min, step.max)
		}
	}
}

func TestIdleTimeWrapsLikeEstimateObjectIdleTime(t *testing.T) {
	for _, tc := range []struct {
		lru  uint32
		now  int64
		want uint64
	}{
		{100, 100_000, 0},
		{100, 160_500, 60},
		{keyspace.LRUClockMax - 9, 5_000, 5 + 9}, // clock wrapped (Redis: now + (MAX - lru))
	} {
		if got := IdleTime(tc.lru, tc.now); got != tc.want {
			t.Errorf("IdleTime(%d, %d) = %d, want %d", tc.lru, tc.now, got, tc.want)
		}
	}
}

func TestPoolKeepsTheSixteenBestInOrder(t *testing.T) {
	var p pool
	for _, idle := range []uint64{50, 10, 70, 30} {
		p.insert(candidate{idle: idle, key: string(rune('a' + idle/10))})
	}
	want := []uint64{10, 30, 50, 70}
	for i, c := range p.c {
		if c.idle != want[i] {
			t.Fatalf("pool order %v, want %v", p.c, want)
		}
	}
	for i := uint64(100); i < 120; i++ { // fills it and pushes the low ones out
		p.insert(candidate{idle: i})
	}
	if len(p.c) != poolSize || p.c[0].idle != 104 || p.c[poolSize-1].idle != 119 {
		t.Fatalf("full pool: first %d last %d len %d, want 104, 119, 16", p.c[0].idle, p.c[poolSize-1].idle, len(p.c))
	}
	p.insert(candidate{idle: 1}) // worse than all: dropped
	if p.c[0].idle != 104 {
		t.Errorf("a candidate worse than a full pool went in")
	}
	p.insert(candidate{idle: 110, key: "mid"}) // goes in, 104 drops out
	if p.c[0].idle != 105 {
		t.Errorf("the least idle entry should make room, first is %d", p.c[0].idle)
	}
	for last := uint64(1 << 63); ; {
		c, ok := p.pop()
		if !ok {
			break
		}
		if c.idle > last {
			t.Fatalf("pop order not descending: %d after %d", c.idle, last)
		}
		last = c.idle
	}
}

func TestParsePolicy(t *testing.T) {
	for _, name := range []string{"noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"} {
		p, err := ParsePolicy(name)
		if err != nil || p.String() != name {
			t.Errorf("ParsePolicy(%q) = %v, %v", name, p, err)
		}
	}
	if p, _ := ParsePolicy("ALLKEYS-LFU"); p != AllKeysLFU || !p.LFU() || p.Volatile() {
		t.Errorf("ALLKEYS-LFU parsed as %v", p)
	}
	_, err := ParsePolicy("lru")
	if err == nil || err.Error() != "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction" {
		t.Errorf("bad policy error: %v", err)
	}
}
