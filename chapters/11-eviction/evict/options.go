package evict

import (
	"errors"
	"math"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Options is where New reads maxmemory, maxmemory-policy and
// maxmemory-samples, in their canonical form (bytes, a policy name, an
// integer), and learns of their changes. The final server's option table
// is one; Params, for a server without such a table, is another.
type Options interface {
	Get(name string) string
	OnChange(name string, apply func(value string) error)
}

// Params holds the three options for a server that has no option table
// of its own (chapter 11's program, the tests): NewParams makes them
// answer CONFIG GET and CONFIG SET, with Redis's checks and error texts.
type Params struct {
	vals  map[string]string
	hooks map[string][]func(string) error
}

// names are the options Params holds, with Redis's defaults.
var names = []struct{ name, def string }{
	{"maxmemory", "0"}, {"maxmemory-policy", "noeviction"}, {"maxmemory-samples", "5"},
}

// NewParams registers the options on s with their defaults.
func NewParams(s *server.Server) *Params {
	p := &Params{vals: map[string]string{}, hooks: map[string][]func(string) error{}}
	for _, n := range names {
		name := n.name
		p.vals[name] = n.def
		s.Config.Add(&server.Param{Name: name,
			Get: func() string { return p.Get(name) },
			Set: func(v string) error { return p.Set(name, v) }})
	}
	return p
}

// Get returns an option's canonical value.
func (p *Params) Get(name string) string { return p.vals[name] }

// OnChange registers apply to run on each change of name.
func (p *Params) OnChange(name string, apply func(string) error) {
	p.hooks[name] = append(p.hooks[name], apply)
}

// Set checks value, stores its canonical form and applies it; when an
// apply refuses it, the old value stays.
func (p *Params) Set(name, value string) error {
	canon, err := canonical(name, value)
	if err != nil {
		return err
	}
	old := p.vals[name]
	p.vals[name] = canon
	for _, apply := range p.hooks[name] {
		if err := apply(canon); err != nil {
			p.vals[name] = old
			return err
		}
	}
	return nil
}

// canonical checks one option's value as Redis's config.c does and
// returns the form CONFIG GET shows.
func canonical(name, v string) (string, error) {
	switch name {
	case "maxmemory":
		n, ok := server.ParseMemory(v)
		if !ok {
			return "", errors.New("argument must be a memory value")
		}
		if n > math.MaxInt64 {
			return "", errors.New("argument must be between 0 and 9223372036854775807 inclusive")
		}
		return strconv.FormatUint(n, 10), nil
	case "maxmemory-policy":
		p, err := ParsePolicy(v)
		if err != nil {
			return "", err
		}
		return p.String(), nil
	case "maxmemory-samples":
		n, ok := resp.ParseInt([]byte(v))
		if !ok {
			return "", errors.New("argument couldn't be parsed into an integer")
		}
		if n < 1 || n > math.MaxInt32 {
			return "", errors.New("argument must be between 1 and 2147483647 inclusive")
		}
		return strconv.FormatInt(n, 10), nil
	}
	return "", errors.New("Bad directive or wrong number of arguments")
}

// Flags are the options on the command line, for a chapter program.
func Flags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "maxmemory", Value: "0", Usage: "memory limit for data, e.g. 100mb (0: none)"},
		&cli.StringFlag{Name: "maxmemory-policy", Value: "noeviction", Usage: "what to do when maxmemory is reached"},
		&cli.StringFlag{Name: "maxmemory-samples", Value: "5", Usage: "keys sampled per eviction"},
	}
}

// FromFlags sets the options Flags defined.
func (p *Params) FromFlags(c *cli.Context) error {
	for _, n := range names {
		if err := p.Set(n.name, c.String(n.name)); err != nil {
			return errors.New(n.name + ": " + err.Error())
		}
	}
	return nil
}
