package rewrite

import (
	"errors"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Config holds the automatic rewrite's options, named as Redis names them.
type Config struct {
	// Percentage is auto-aof-rewrite-percentage: rewrite when the AOF grew
	// by this much since the last rewrite; 0 turns the automatic rewrite off.
	Percentage int
	// MinSize is auto-aof-rewrite-min-size in bytes: no automatic rewrite
	// below it, however much the file grew.
	MinSize int64
}

// Defaults are Redis's: 100% and 64mb.
func Defaults() Config { return Config{Percentage: 100, MinSize: 64 << 20} }

// Flags are the options on the command line.
func Flags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: "auto-aof-rewrite-percentage", Value: 100, Usage: "rewrite the AOF when it grew by this percentage since the last rewrite (0: never)"},
		&cli.StringFlag{Name: "auto-aof-rewrite-min-size", Value: "64mb", Usage: "no automatic rewrite while the AOF is smaller than this"},
	}
}

// FromFlags reads the options Flags defined.
func FromFlags(c *cli.Context) (Config, error) {
	cfg := Defaults()
	if err := cfg.setPercentage(strconv.Itoa(c.Int("auto-aof-rewrite-percentage"))); err != nil {
		return cfg, errors.New("auto-aof-rewrite-percentage: " + err.Error())
	}
	if err := cfg.setMinSize(c.String("auto-aof-rewrite-min-size")); err != nil {
		return cfg, errors.New("auto-aof-rewrite-min-size: " + err.Error())
	}
	return cfg, nil
}

func (cfg *Config) setPercentage(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return errors.New("argument couldn't be parsed into an integer")
	}
	if n < 0 || n > 1<<31-1 {
		return errors.New("argument must be between 0 and 2147483647 inclusive")
	}
	cfg.Percentage = int(n)
	return nil
}

func (cfg *Config) setMinSize(v string) error {
	n, ok := server.ParseMemory(v)
	if !ok {
		return errors.New("argument must be a memory value")
	}
	if n > 1<<63-1 { // an off_t in Redis
		return errors.New("argument must be between 0 and 9223372036854775807 inclusive")
	}
	cfg.MinSize = int64(n)
	return nil
}

// registerConfig makes both options answer CONFIG GET and CONFIG SET; the
// size reads back in bytes, as in Redis.
func (r *Rewriter) registerConfig() {
	r.srv.Config.Add(
		&server.Param{Name: "auto-aof-rewrite-percentage",
			Get: func() string { return strconv.Itoa(r.cfg.Percentage) },
			Set: r.cfg.setPercentage},
		&server.Param{Name: "auto-aof-rewrite-min-size",
			Get: func() string { return strconv.FormatInt(r.cfg.MinSize, 10) },
			Set: r.cfg.setMinSize},
	)
}
