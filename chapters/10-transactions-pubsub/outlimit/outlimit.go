// Package outlimit is client-output-buffer-limit: for each of Redis's
// three client classes (normal, replica, pub/sub) a hard and a soft limit
// on a client's unsent output, the option's text form, and the check of
// networking.c's checkClientOutputBufferLimits. Pub/sub enforces the
// pub/sub class on its own; the final server's admin layer enforces every
// class, with the values of its configuration table.
package outlimit

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Limit is one client class's limit: a client whose unsent output reaches
// Hard bytes is disconnected at once; one whose output stays at or above
// Soft bytes for more than SoftSeconds is disconnected too. Zero disables
// a limit.
type Limit struct {
	Hard, Soft  int64
	SoftSeconds int64
}

// Exceeded is checkClientOutputBufferLimits for one client, called each
// time output is added to it (and by a once-a-second timer, so a soft
// limit expires even without more output). pending is its unsent output
// in bytes; softSince is when it was first seen at or above the soft
// limit (zero while below), which Exceeded keeps up to date. It reports
// whether the client must be disconnected.
//
// The soft limit tolerates a burst: a client that falls behind for a
// moment and catches up keeps its connection, one that stays behind does
// not.
func (l Limit) Exceeded(pending int64, softSince *time.Time, now time.Time) bool {
	if l.Hard > 0 && pending >= l.Hard {
		return true
	}
	if l.Soft > 0 && pending >= l.Soft {
		if softSince.IsZero() {
			*softSince = now
			return false
		}
		return now.Sub(*softSince) > time.Duration(l.SoftSeconds)*time.Second
	}
	*softSince = time.Time{}
	return false
}

// Limits are the three classes' limits.
type Limits struct {
	Normal, Replica, PubSub Limit
}

// Defaults are Redis's: "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60".
var Defaults = Limits{
	Replica: Limit{Hard: 256 << 20, Soft: 64 << 20, SoftSeconds: 60},
	PubSub:  Limit{Hard: 32 << 20, Soft: 8 << 20, SoftSeconds: 60},
}

// String is the form CONFIG GET shows: bytes, and Redis's class names.
func (l Limits) String() string {
	var b strings.Builder
	for i, c := range []struct {
		name string
		l    Limit
	}{{"normal", l.Normal}, {"slave", l.Replica}, {"pubsub", l.PubSub}} {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.name + " " + strconv.FormatInt(c.l.Hard, 10) + " " + strconv.FormatInt(c.l.Soft, 10) + " " + strconv.FormatInt(c.l.SoftSeconds, 10))
	}
	return b.String()
}

// Parse reads "class hard soft seconds [class hard soft seconds ...]" on
// top of base, with Redis's error texts: classes not named keep their
// limits, and nothing changes unless the whole value is valid. Sizes are
// memory values (server.ParseMemory).
func Parse(v string, base Limits) (Limits, error) {
	f := strings.Fields(v)
	if len(f)%4 != 0 {
		return base, errors.New("Wrong number of arguments in buffer limit configuration.")
	}
	out := base
	for i := 0; i < len(f); i += 4 {
		var dst *Limit
		switch strings.ToLower(f[i]) {
		case "normal":
			dst = &out.Normal
		case "slave", "replica":
			dst = &out.Replica
		case "pubsub":
			dst = &out.PubSub
		default:
			return base, errors.New("Invalid client class specified in buffer limit configuration.")
		}
		hard, ok1 := server.ParseMemory(f[i+1])
		soft, ok2 := server.ParseMemory(f[i+2])
		secs, err := strconv.ParseInt(f[i+3], 10, 64)
		if !ok1 || !ok2 || err != nil || secs < 0 || hard > 1<<62 || soft > 1<<62 {
			return base, errors.New("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		*dst = Limit{Hard: int64(hard), Soft: int64(soft), SoftSeconds: secs}
	}
	return out, nil
}
