package save

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Point is one save point: save when at least Changes writes happened
// and Seconds passed since the last save.
type Point struct {
	Seconds int64
	Changes int64
}

// Config holds the RDB options, named as Redis names them.
type Config struct {
	Points      []Point // save; empty (save "") turns the automatic save off
	FileName    string  // dbfilename
	Compression bool    // rdbcompression
	Checksum    bool    // rdbchecksum
	// StopWrites is stop-writes-on-bgsave-error: after a failed
	// background save, refuse writes with MISCONF until one succeeds.
	StopWrites bool
	// Preamble is aof-use-rdb-preamble: the AOF rewrite writes its base
	// as an RDB file.
	Preamble bool
}

// Defaults are Redis 7.0's.
func Defaults() Config {
	return Config{Points: DefaultPoints(), FileName: "dump.rdb", Compression: true, Checksum: true,
		StopWrites: true, Preamble: true}
}

// DefaultPoints are Redis 7.0's save points: after an hour if one key
// changed, 5 minutes if 100 did, a minute if 10000 did.
func DefaultPoints() []Point { return []Point{{3600, 1}, {300, 100}, {60, 10000}} }

// ParsePoints reads a save value, "3600 1 300 100" or "" for none, with
// the checks and the error text of Redis's setConfigSaveOption.
func ParsePoints(v string) ([]Point, error) {
	f := strings.Fields(v)
	if len(f)%2 != 0 {
		return nil, errors.New("Invalid save parameters")
	}
	points := []Point{}
	for i := 0; i < len(f); i += 2 {
		secs, err1 := strconv.ParseInt(f[i], 10, 64)
		changes, err2 := strconv.ParseInt(f[i+1], 10, 64)
		if err1 != nil || err2 != nil || secs < 1 || changes < 0 {
			return nil, errors.New("Invalid save parameters")
		}
		points = append(points, Point{secs, changes})
	}
	return points, nil
}

// FormatPoints is the value CONFIG GET save shows.
func FormatPoints(points []Point) string {
	parts := make([]string, 0, 2*len(points))
	for _, p := range points {
		parts = append(parts, strconv.FormatInt(p.Seconds, 10), strconv.FormatInt(p.Changes, 10))
	}
	return strings.Join(parts, " ")
}

// CheckFileName refuses a path where Redis wants a bare file name.
func CheckFileName(v string) error {
	if v == "" || strings.ContainsAny(v, `/\`) {
		return errors.New("dbfilename can't be a path, just a filename")
	}
	return nil
}

// Flags are the options on the command line, with Redis's defaults.
func Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "save", Value: FormatPoints(DefaultPoints()), Usage: `save points "seconds changes ..." ("" turns automatic saving off)`},
		&cli.StringFlag{Name: "dbfilename", Value: "dump.rdb", Usage: "name of the RDB file, inside --dir"},
		&cli.StringFlag{Name: "rdbcompression", Value: "yes", Usage: "yes|no: LZF-compress strings in the RDB file"},
		&cli.StringFlag{Name: "rdbchecksum", Value: "yes", Usage: "yes|no: end the RDB file with a CRC64"},
		&cli.StringFlag{Name: "stop-writes-on-bgsave-error", Value: "yes", Usage: "yes|no: refuse writes after a failed background save"},
		&cli.StringFlag{Name: "aof-use-rdb-preamble", Value: "yes", Usage: "yes|no: the AOF rewrite writes its base in RDB format"},
	}
}

// FromFlags reads the options Flags defined.
func FromFlags(c *cli.Context) (Config, error) {
	cfg := Defaults()
	var err error
	if cfg.Points, err = ParsePoints(c.String("save")); err != nil {
		return cfg, fmt.Errorf("save: %w", err)
	}
	cfg.FileName = c.String("dbfilename")
	if err := CheckFileName(cfg.FileName); err != nil {
		return cfg, err
	}
	for _, o := range []struct {
		name string
		dst  *bool
	}{{"rdbcompression", &cfg.Compression}, {"rdbchecksum", &cfg.Checksum},
		{"stop-writes-on-bgsave-error", &cfg.StopWrites}, {"aof-use-rdb-preamble", &cfg.Preamble}} {
		if *o.dst, err = parseBool(c.String(o.name)); err != nil {
			return cfg, fmt.Errorf("%s: %w", o.name, err)
		}
	}
	return cfg, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	}
	return false, errors.New("argument must be 'yes' or 'no'")
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// registerConfig makes the options answer CONFIG GET and CONFIG SET.
func (s *Saver) registerConfig() {
	boolParam := func(name string, dst *bool, changed func()) *server.Param {
		return &server.Param{Name: name, Get: func() string { return yesno(*dst) }, Set: func(v string) error {
			b, err := parseBool(v)
			if err != nil {
				return err
			}
			*dst = b
			if changed != nil {
				changed()
			}
			return nil
		}}
	}
	s.srv.Config.Add(
		&server.Param{Name: "save", Get: func() string { return FormatPoints(s.cfg.Points) }, Set: func(v string) error {
			points, err := ParsePoints(v)
			if err != nil {
				return err
			}
			s.cfg.Points = points
			return nil
		}},
		&server.Param{Name: "dbfilename", Get: func() string { return s.cfg.FileName }, Set: func(v string) error {
			if err := CheckFileName(v); err != nil {
				return err
			}
			s.cfg.FileName = v
			return nil
		}},
		boolParam("rdbcompression", &s.cfg.Compression, nil),
		boolParam("rdbchecksum", &s.cfg.Checksum, nil),
		boolParam("stop-writes-on-bgsave-error", &s.cfg.StopWrites, nil),
		boolParam("aof-use-rdb-preamble", &s.cfg.Preamble, s.applyPreamble),
	)
}
