package config

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Limit is one client class's output buffer limit: a client whose unsent
// output passes Hard bytes, or stays above Soft bytes for SoftSeconds, is
// closed. Zero disables a limit.
type Limit struct {
	Hard, Soft  int64
	SoftSeconds int64
}

// Limits are client-output-buffer-limit's three classes.
type Limits struct {
	Normal, Replica, PubSub Limit
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

var defaultLimits = Limits{
	Replica: Limit{Hard: 256 << 20, Soft: 64 << 20, SoftSeconds: 60},
	PubSub:  Limit{Hard: 32 << 20, Soft: 8 << 20, SoftSeconds: 60},
}

// ParseLimits reads "class hard soft seconds [class hard soft seconds ...]"
// on top of base: classes not named keep their limits, as in Redis.
func ParseLimits(v string, base Limits) (Limits, error) {
	f := strings.Fields(v)
	if len(f)%4 != 0 {
		return base, errors.New("Wrong number of arguments in buffer limit configuration.")
	}
	for i := 0; i < len(f); i += 4 {
		var dst *Limit
		switch strings.ToLower(f[i]) {
		case "normal":
			dst = &base.Normal
		case "slave", "replica":
			dst = &base.Replica
		case "pubsub":
			dst = &base.PubSub
		default:
			return base, errors.New("Invalid client class specified in buffer limit configuration.")
		}
		hard, ok1 := server.ParseMemory(f[i+1])
		soft, ok2 := server.ParseMemory(f[i+2])
		secs, err3 := strconv.ParseInt(f[i+3], 10, 64)
		if !ok1 || !ok2 || err3 != nil || secs < 0 || hard > 1<<62 || soft > 1<<62 {
			return base, errors.New("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
		}
		*dst = Limit{Hard: int64(hard), Soft: int64(soft), SoftSeconds: secs}
	}
	return base, nil
}

// parseOutputLimits normalizes client-output-buffer-limit on top of its
// current value (the defaults when the table is first filled).
func parseOutputLimits(v, old string) (string, error) {
	base := defaultLimits
	if old != "" {
		base, _ = ParseLimits(old, defaultLimits)
	}
	l, err := ParseLimits(v, base)
	if err != nil {
		return "", err
	}
	return l.String(), nil
}
