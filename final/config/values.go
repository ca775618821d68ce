package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/04-aof/persistence"
	"github.com/gocache/gocache/chapters/10-transactions-pubsub/outlimit"
)

// Values holds the current value of every option in canonical form (what
// CONFIG GET shows). It is filled from the defaults, then the
// configuration file, then the command line; at run time CONFIG SET
// changes it on the loop goroutine, and the OnChange hooks apply changes
// to the running server.
type Values struct {
	byName map[string]*Option
	vals   map[string]string
	hooks  map[string][]func(v string) error
	// rewriters replace an option's CONFIG REWRITE lines (SetRewriter).
	rewriters map[string]Rewriter
	// File is the absolute path of the configuration file, if any.
	File string
}

// New returns the table's defaults.
func New() *Values {
	v := &Values{byName: map[string]*Option{}, vals: map[string]string{}, hooks: map[string][]func(string) error{}}
	for _, o := range Options() {
		v.byName[o.Name] = o
		canon, err := o.normalize(o.Default, "")
		if err != nil {
			panic(fmt.Sprintf("config: default of %s: %v", o.Name, err)) // a bug in the table
		}
		v.vals[o.Name] = canon
	}
	return v
}

// Lookup finds an option by name, without case.
func (v *Values) Lookup(name string) *Option { return v.byName[strings.ToLower(name)] }

// Names lists the options, sorted.
func (v *Values) Names() []string {
	names := make([]string, 0, len(v.byName))
	for n := range v.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Set checks and stores a value, then runs the option's OnChange hooks
// (which may read the new value from v); if one fails, the old value is
// restored. The error is Redis's text for a bad value.
func (v *Values) Set(name, value string) error {
	o := v.Lookup(name)
	if o == nil {
		return fmt.Errorf("Bad directive or wrong number of arguments")
	}
	canon, err := o.normalize(value, v.vals[o.Name])
	if err != nil {
		return err
	}
	old := v.vals[o.Name]
	v.vals[o.Name] = canon
	for _, hook := range v.hooks[o.Name] {
		if err := hook(canon); err != nil {
			v.vals[o.Name] = old
			return err
		}
	}
	return nil
}

// CheckDir refuses a dir that is missing or is not a directory, with
// Redis's words for the final value: the image's configuration file may
// say "dir /data" and a flag move it elsewhere, so each setting is not
// checked on its own.
func (v *Values) CheckDir() error {
	if err := persistence.CheckDir(v.Get("dir")); err != nil {
		return fmt.Errorf(">>> 'dir %q'\n%v", v.Get("dir"), err)
	}
	return nil
}

// OnChange registers fn to apply a new value of name to the running
// server (CONFIG SET). fn gets the canonical value, already stored; an
// error refuses it.
func (v *Values) OnChange(name string, fn func(v string) error) {
	v.hooks[name] = append(v.hooks[name], fn)
}

// Get returns an option's canonical value.
func (v *Values) Get(name string) string { return v.vals[name] }

// Int returns an Int or Memory option's value.
func (v *Values) Int(name string) int64 {
	n, _ := strconv.ParseInt(v.vals[name], 10, 64)
	return n
}

// Bool returns a Bool option's value.
func (v *Values) Bool(name string) bool { return v.vals[name] == "yes" }

// Limits returns client-output-buffer-limit.
func (v *Values) Limits() outlimit.Limits {
	l, _ := outlimit.Parse(v.vals["client-output-buffer-limit"], outlimit.Defaults)
	return l
}
