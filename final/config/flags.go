package config

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// Flags are the command-line flags: one per option, with Redis's names
// (--port, --appendonly, --maxmemory ...). They take their values as
// strings so that the option table checks them with the same rules and
// error texts as the configuration file.
func Flags() []cli.Flag {
	var flags []cli.Flag
	for _, o := range Options() {
		flags = append(flags, &cli.StringFlag{Name: o.Name, Usage: o.Usage, DefaultText: fmt.Sprintf("%q", o.Default)})
	}
	return flags
}

// FlagError is a bad command-line value.
type FlagError struct {
	Name, Value, Msg string
}

func (e *FlagError) Error() string {
	return fmt.Sprintf("--%s %q: %s", e.Name, e.Value, e.Msg)
}

// ApplyFlags sets the options given on the command line, over the
// defaults and the configuration file, as redis-server's --option value
// arguments do.
func (v *Values) ApplyFlags(ctx *cli.Context) error {
	for _, name := range v.Names() {
		if !ctx.IsSet(name) {
			continue
		}
		val := ctx.String(name)
		if err := v.Set(name, val); err != nil {
			return &FlagError{Name: name, Value: val, Msg: err.Error()}
		}
	}
	return nil
}

// NoArguments refuses words left on the command line after the options.
// The flag parser stops at the first word that is not an option, so in
// "gocache gocache.conf extra --port 6390" it would silently drop --port;
// redis-server refuses such a command line, and so does gocache.
func NoArguments(ctx *cli.Context) error {
	if ctx.NArg() == 0 {
		return nil
	}
	return fmt.Errorf("gocache: unexpected argument %q: give at most one configuration file, first, then options (gocache [path/to/gocache.conf] [--option value ...])", ctx.Args().First())
}

// SplitConfigPath takes the configuration file's path out of a command
// line, the way redis-server reads it: the first argument when it is not
// an option. The standard flag parser stops at the first non-flag
// argument, so the path must go before the flags are parsed.
func SplitConfigPath(args []string) (path string, rest []string) {
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
		rest = append([]string{args[0]}, args[2:]...)
		return args[1], rest
	}
	return "", args
}
