package persistence

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/04-aof/aof"
)

// Flags are the persistence options on the command line, with Redis's
// names and defaults: --appendonly yes --appendfsync always ...
func Flags() []cli.Flag {
	d := Defaults()
	return []cli.Flag{
		&cli.StringFlag{Name: "dir", Value: d.Dir, Usage: "working directory; the AOF directory is created in it"},
		&cli.StringFlag{Name: "appendonly", Value: "no", Usage: "yes|no: log every write to the append-only file and load it at start"},
		&cli.StringFlag{Name: "appendfilename", Value: d.FileName, Usage: "base name of the AOF files"},
		&cli.StringFlag{Name: "appenddirname", Value: d.DirName, Usage: "directory, inside --dir, that holds the AOF files"},
		&cli.StringFlag{Name: "appendfsync", Value: d.AppendFsync.String(), Usage: "always|everysec|no: when the AOF is fsynced"},
	}
}

// FromFlags reads the options Flags defined.
func FromFlags(c *cli.Context) (Config, error) {
	cfg := Defaults()
	cfg.Dir = c.String("dir")
	if err := CheckDir(cfg.Dir); err != nil {
		return cfg, fmt.Errorf("--dir %q: %w", cfg.Dir, err)
	}
	switch strings.ToLower(c.String("appendonly")) {
	case "yes":
		cfg.AppendOnly = true
	case "no":
	default:
		return cfg, fmt.Errorf("appendonly: argument must be 'yes' or 'no'")
	}
	for _, opt := range []struct {
		name string
		dst  *string
	}{{"appendfilename", &cfg.FileName}, {"appenddirname", &cfg.DirName}} {
		v := c.String(opt.name)
		if v == "" || strings.ContainsAny(v, `/\`) {
			return cfg, fmt.Errorf("%s can't be a path, just a filename", opt.name)
		}
		*opt.dst = v
	}
	policy, err := aof.ParsePolicy(c.String("appendfsync"))
	if err != nil {
		return cfg, fmt.Errorf("appendfsync: %w", err)
	}
	cfg.AppendFsync = policy
	return cfg, nil
}

// CheckDir refuses a working directory that is missing or is not a
// directory. redis-server changes into dir at start and stops when it
// cannot, with the C library's words ("No such file or directory"); only
// the AOF directory inside dir is created, so a mistyped path is an error
// and not a new, empty data directory.
func CheckDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return errors.New(strerror(err))
	}
	if !fi.IsDir() {
		return errors.New(strerror(syscall.ENOTDIR))
	}
	return nil
}
