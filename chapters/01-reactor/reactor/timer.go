package reactor

import "time"

// Timer is a time event: a function the loop runs once (After) or every
// period (Every) on the loop goroutine.
type Timer struct {
	l      *Loop
	when   time.Duration // due time, on the loop's monotonic clock
	period time.Duration // 0 for a one-shot timer
	seq    uint64        // creation order: breaks ties between equal due times
	fn     func()
	index  int // position in the heap; -1 when not scheduled
}

// timerHeap is a min-heap on (when, seq). Redis keeps time events in a
// list and scans it every turn; a heap makes "what is due next" O(1) and
// adding or removing a timer O(log n).
type timerHeap []*Timer

// After runs fn once on the loop goroutine after d. Call it before Run or
// on the loop goroutine (from elsewhere, wrap it in Post).
func (l *Loop) After(d time.Duration, fn func()) *Timer { return l.addTimer(d, 0, fn) }

// Every runs fn on the loop goroutine every d, first after d. A slow turn
// does not cause a burst of catch-up calls: the next run is scheduled d
// after this one ran, as Redis's time events are.
func (l *Loop) Every(d time.Duration, fn func()) *Timer {
	return l.addTimer(d, max(d, time.Nanosecond), fn)
}

func (l *Loop) addTimer(d, period time.Duration, fn func()) *Timer {
	l.seq++
	t := &Timer{l: l, when: l.clock() + max(d, 0), period: period, seq: l.seq, fn: fn, index: -1}
	l.timers.push(t)
	return t
}

// Stop cancels the timer; from inside its own function too. Loop goroutine.
func (t *Timer) Stop() {
	t.period = 0
	if t.index >= 0 {
		t.l.timers.remove(t.index)
	}
}

// clock reads the monotonic clock.
func (l *Loop) clock() time.Duration { return time.Since(l.epoch) }

// runTimers runs every timer due now, earliest first. Timers added while
// they run are due no earlier than now + their delay; one due "now" waits
// for the next turn, so a timer that re-arms itself cannot starve sockets.
func (l *Loop) runTimers() {
	now := l.clock()
	for len(l.timers) > 0 && l.timers[0].when <= now {
		t := l.timers[0]
		l.timers.remove(0)
		t.fn()
		if t.period > 0 && t.index < 0 {
			t.when = l.clock() + t.period
			l.timers.push(t)
		}
	}
}

func (h timerHeap) less(i, j int) bool {
	if h[i].when != h[j].when {
		return h[i].when < h[j].when
	}
	return h[i].seq < h[j].seq
}

func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *timerHeap) push(t *Timer) {
	t.index = len(*h)
	*h = append(*h, t)
	h.up(t.index)
}

// remove takes the timer at position i out of the heap.
func (h *timerHeap) remove(i int) {
	s := *h
	last := len(s) - 1
	t := s[i]
	if i != last {
		s.swap(i, last)
	}
	s[last] = nil
	*h = s[:last]
	if i != last {
		h.down(i)
		h.up(i)
	}
	t.index = -1
}

func (h timerHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h timerHeap) down(i int) {
	for {
		l, small := 2*i+1, i
		if l < len(h) && h.less(l, small) {
			small = l
		}
		if r := l + 1; r < len(h) && h.less(r, small) {
			small = r
		}
		if small == i {
			return
		}
		h.swap(i, small)
		i = small
	}
}
