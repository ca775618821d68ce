package server

import (
	"errors"
	"math"
	"sort"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/glob"
)

// Param is one configuration option as CONFIG GET and CONFIG SET see it.
// Each layer registers the options it owns (the AOF its appendfsync, the
// final server its maxclients), so the registry never needs to know them all.
type Param struct {
	Name  string
	Alias string // an older name that also answers, e.g. "hash-max-ziplist-entries"
	Get   func() string
	// Set changes the option at run time; nil means it can only be set at
	// start-up ("can't set immutable config").
	Set func(value string) error
}

// Config is the registry of options.
type Config struct {
	byName map[string]*Param
}

// NewConfig returns an empty registry.
func NewConfig() *Config { return &Config{byName: map[string]*Param{}} }

// Add registers params; a later registration of the same name replaces it.
func (cfg *Config) Add(params ...*Param) {
	for _, p := range params {
		cfg.byName[p.Name] = p
		if p.Alias != "" {
			cfg.byName[p.Alias] = p
		}
	}
}

// Lookup finds an option by name, in any case.
func (cfg *Config) Lookup(name string) *Param { return cfg.byName[strings.ToLower(name)] }

// Names lists every registered name (aliases included), sorted.
func (cfg *Config) Names() []string {
	names := make([]string, 0, len(cfg.byName))
	for name := range cfg.byName {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// errImmutable is Redis's text for options that only start-up can set.
var errImmutable = errors.New("can't set immutable config")

func (s *Server) configCommand() *Command {
	sub := Table{}
	sub.Add(
		&Command{Name: "get", Arity: -3, Flags: Admin | NoScript | Loading | Stale, Run: s.configGet},
		&Command{Name: "set", Arity: -4, Flags: Admin | NoScript | Loading | Stale, Run: s.configSet},
		&Command{Name: "resetstat", Arity: 2, Flags: Admin | NoScript | Loading | Stale, Run: s.configResetStat},
		&Command{Name: "help", Arity: 2, Flags: Loading | Stale, Run: s.configHelp},
	)
	return &Command{Name: "config", Arity: -2, Group: "server", Subcommands: sub, Run: unknownSubcommand}
}

// configHelpLines are Redis's lines of CONFIG HELP for each subcommand,
// in its order.
var configHelpLines = [][3]string{
	{"get", "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values."},
	{"set", "SET <directive> <value>", "    Set the configuration <directive> to <value>."},
	{"resetstat", "RESETSTAT", "    Reset statistics reported by the INFO command."},
	{"rewrite", "REWRITE", "    Rewrite the configuration file."},
}

// configHelp is CONFIG HELP. It names the subcommands this server has,
// since a layer may add one (the final server's configuration file adds
// REWRITE).
func (s *Server) configHelp(c *Client) {
	sub := s.Commands.Lookup([]byte("config")).Subcommands
	var lines []string
	for _, h := range configHelpLines {
		if sub.Lookup([]byte(h[0])) != nil {
			lines = append(lines, h[1], h[2])
		}
	}
	ReplyHelp(c, lines...)
}

// configGet is CONFIG GET pattern [pattern ...]: every option whose name
// matches a glob pattern, without case, each once.
func (s *Server) configGet(c *Client) {
	seen := map[string]bool{}
	var pairs []string
	for _, pat := range c.Args[2:] {
		pattern := string(pat)
		if p := s.Config.Lookup(pattern); p != nil && !strings.ContainsAny(pattern, "*?[") {
			name := strings.ToLower(pattern)
			if !seen[name] {
				seen[name] = true
				pairs = append(pairs, name, p.Get())
			}
			continue
		}
		for _, name := range s.Config.Names() {
			if seen[name] || !glob.MatchString(pattern, name, true) {
				continue
			}
			seen[name] = true
			pairs = append(pairs, name, s.Config.byName[name].Get())
		}
	}
	c.W.Map(len(pairs) / 2)
	for _, v := range pairs {
		c.W.BulkString(v)
	}
}

// configSet is CONFIG SET name value [name value ...]. Like Redis 7 it
// checks every name before it changes anything.
func (s *Server) configSet(c *Client) {
	args := c.Args[2:]
	if len(args)%2 != 0 {
		c.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + string(args[len(args)-1]) + "'")
		return
	}
	params := make([]*Param, 0, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		p := s.Config.Lookup(string(args[i]))
		if p == nil {
			c.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + string(args[i]) + "'")
			return
		}
		if p.Set == nil {
			c.Error("ERR CONFIG SET failed (possibly related to argument '" + string(args[i]) + "') - " + errImmutable.Error())
			return
		}
		params = append(params, p)
	}
	// Like Redis 7, all or nothing: when one value is refused, the ones
	// already set go back to what they were.
	old := make([]string, len(params))
	for i, p := range params {
		old[i] = p.Get()
		if err := p.Set(string(args[2*i+1])); err != nil {
			for j := i - 1; j >= 0; j-- {
				params[j].Set(old[j])
			}
			c.Error("ERR CONFIG SET failed (possibly related to argument '" + string(args[2*i]) + "') - " + err.Error())
			return
		}
	}
	c.OK()
}

// configResetStat clears the counters INFO reports, here and in the
// layers that keep their own (UseStats).
func (s *Server) configResetStat(c *Client) {
	s.Stats = Stats{}
	for _, cmd := range s.Commands {
		cmd.Calls, cmd.Usec, cmd.RejectedCalls, cmd.FailedCalls = 0, 0, 0, 0
		for _, sub := range cmd.Subcommands {
			sub.Calls, sub.Usec, sub.RejectedCalls, sub.FailedCalls = 0, 0, 0, 0
		}
	}
	for _, r := range s.layers.stats {
		r.ResetStats()
	}
	c.OK()
}

// ParseMemory reads a memory value ("100", "1k", "64mb", "1GB") exactly
// as Redis 7.0's memtoull does, for CONFIG SET and the configuration file
// alike: digits, then an optional unit in any case: b, k (1000), kb
// (1024), m, mb, g, gb. A sign, a space, a fraction or another unit is
// not a memory value, and neither are 128 digits or more. What Redis 7.0
// accepts is kept too: no digits count as zero ("", "kb"), digits past
// 2^64-1 read as 2^64-1 (strtoull saturates), and the unit's product
// wraps around 2^64 as C's unsigned arithmetic does ("17179869184gb" is
// 0). Each option then checks its own range.
func ParseMemory(s string) (uint64, bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1 << 10
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1 << 20
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1 << 30
	default:
		return 0, false
	}
	if i >= 128 { // memtoull copies the digits into a 128-byte buffer
		return 0, false
	}
	var n uint64
	for _, c := range []byte(s[:i]) {
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			n = math.MaxUint64
			break
		}
		n = n*10 + d
	}
	return n * mul, true
}
