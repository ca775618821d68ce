package outlimit

import (
	"testing"
	"time"
)

// TestLimitExceeded is the limit rule on its own.
func TestLimitExceeded(t *testing.T) {
	t0 := time.Unix(1000, 0)
	l := Limit{Hard: 100, Soft: 50, SoftSeconds: 60}
	steps := []struct {
		pending int64
		at      time.Duration
		want    bool
	}{
		{10, 0, false},
		{60, 0, false},                // over soft: the clock starts
		{70, 60 * time.Second, false}, // exactly 60 s: not yet
		{40, 61 * time.Second, false}, // back under: the clock stops
		{60, 62 * time.Second, false}, // over again: starts again
		{60, 122 * time.Second, false},
		{60, 123 * time.Second, true}, // more than 60 s continuously
		{100, 0, true},                // hard limit: at once
	}
	var since time.Time
	for i, st := range steps {
		if got := l.Exceeded(st.pending, &since, t0.Add(st.at)); got != st.want {
			t.Fatalf("step %d (%d bytes at %v): %v, want %v", i, st.pending, st.at, got, st.want)
		}
	}
	var zero time.Time
	if (Limit{}).Exceeded(1<<40, &zero, t0) {
		t.Fatal("a zero limit disconnected a client")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"", Defaults.String(), ""},
		{"pubsub 1mb 2k 3", "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 2000 3", ""},
		{"NORMAL 1 2 3 Replica 4KB 5 6", "normal 1 2 3 slave 4096 5 6 pubsub 33554432 8388608 60", ""},
		{"normal kb 0 0", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", ""},
		{"normal 1 2", "", "Wrong number of arguments in buffer limit configuration."},
		{"foo 1 2 3", "", "Invalid client class specified in buffer limit configuration."},
		{"normal 1xb 2 3", "", "Error in hard, soft or soft_seconds setting in buffer limit configuration."},
		{"normal 1 2 -3", "", "Error in hard, soft or soft_seconds setting in buffer limit configuration."},
		{"pubsub 1 2 3 normal +1 2 3", "", "Error in hard, soft or soft_seconds setting in buffer limit configuration."},
	}
	for _, tt := range tests {
		l, err := Parse(tt.in, Defaults)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("Parse(%q) error %v, want %q", tt.in, err, tt.err)
		case tt.err != "" && l != Defaults:
			t.Errorf("Parse(%q) failed but changed the limits: %v", tt.in, l)
		case tt.err == "" && (err != nil || l.String() != tt.want):
			t.Errorf("Parse(%q) = %q, %v; want %q", tt.in, l.String(), err, tt.want)
		}
	}
}
