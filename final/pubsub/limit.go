package pubsub

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Limit is one client class of client-output-buffer-limit: a client whose
// unsent output reaches Hard bytes is disconnected at once; one whose
// output stays at or above Soft bytes for more than SoftSeconds is
// disconnected too. Zero disables a limit. The fields match
// final/config.Limit, so either converts to the other.
type Limit struct {
	Hard, Soft  int64
	SoftSeconds int64
}

// DefaultLimit is Redis's "pubsub 32mb 8mb 60".
var DefaultLimit = Limit{Hard: 32 << 20, Soft: 8 << 20, SoftSeconds: 60}

// Exceeded is Redis's checkClientOutputBufferLimits for one client, called
// each time output is added to it. pending is its unsent output in bytes;
// softSince is when it was first seen at or above the soft limit (zero
// while below), which Exceeded keeps up to date. It reports whether the
// client must be disconnected.
//
// The soft limit tolerates a burst: a subscriber that falls behind for a
// moment and catches up keeps its connection, one that stays behind does
// not. Like Redis it is only looked at when output is added.
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

// Param is the client-output-buffer-limit parameter for CONFIG GET/SET, in
// Redis's format: "normal 0 0 0 slave 268435456 67108864 60 pubsub
// 33554432 8388608 60". Only the pubsub class acts here; the other two
// are kept so that CONFIG GET shows what CONFIG SET was given.
func (ps *PubSub) Param() *server.Param {
	return &server.Param{
		Name: "client-output-buffer-limit",
		Get: func() string {
			return formatLimits([]Limit{ps.others[0], ps.others[1], ps.Limit})
		},
		Set: func(v string) error {
			all, err := parseLimits(v, []Limit{ps.others[0], ps.others[1], ps.Limit})
			if err != nil {
				return err
			}
			ps.others[0], ps.others[1], ps.Limit = all[0], all[1], all[2]
			return nil
		},
	}
}

var classNames = []string{"normal", "slave", "pubsub"}

func formatLimits(all []Limit) string {
	var b strings.Builder
	for i, l := range all {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(classNames[i] + " " + strconv.FormatInt(l.Hard, 10) + " " +
			strconv.FormatInt(l.Soft, 10) + " " + strconv.FormatInt(l.SoftSeconds, 10))
	}
	return b.String()
}

// parseLimits reads "class hard soft seconds ..." over base (classes not
// named keep their limits), with Redis's error texts. Nothing changes
// unless the whole value is valid.
func parseLimits(v string, base []Limit) ([]Limit, error) {
	out := append([]Limit(nil), base...)
	f := strings.Fields(v)
	if len(f)%4 != 0 {
		return nil, errors.New("Wrong number of arguments in buffer limit configuration.")
	}
	for i := 0; i < len(f); i += 4 {
		class := -1
		switch strings.ToLower(f[i]) {
		case "normal":
			class = 0
		case "slave", "replica":
			class = 1
		case "pubsub":
			class = 2
		default:
			return nil, errors.New("Invalid client class specified in buffer limit configuration.")
		}
		hard, ok1 := server.ParseMemory(f[i+1])
		soft, ok2 := server.ParseMemory(f[i+2])
		secs, err := strconv.ParseInt(f[i+3], 10, 64)
		if !ok1 || !ok2 || err != nil || secs < 0 || hard > 1<<62 || soft > 1<<62 {
			return nil, errors.New("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		out[class] = Limit{Hard: int64(hard), Soft: int64(soft), SoftSeconds: secs}
	}
	return out, nil
}
