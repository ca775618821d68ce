package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// FileError is a bad line in a configuration file. Its Report is Redis's
// "FATAL CONFIG FILE ERROR" block, with the file's name added so that a
// line in an included file can be found.
type FileError struct {
	File string // as given (an include's path as written)
	Line int    // 1-based
	Text string // the line, trimmed
	Msg  string // Redis's reason, e.g. "Bad directive or wrong number of arguments"
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s:%d: '%s': %s", e.File, e.Line, e.Text, e.Msg)
}

// Report is the message printed before the process exits.
func (e *FileError) Report(version string) string {
	return fmt.Sprintf("\n*** FATAL CONFIG FILE ERROR (%s) ***\nReading the configuration file %s, at line %d\n>>> '%s'\n%s\n",
		version, e.File, e.Line, e.Text, e.Msg)
}

// maxIncludeDepth stops an include cycle (a.conf includes b.conf includes
// a.conf) before it exhausts the stack; Redis has no such guard.
const maxIncludeDepth = 16

// LoadFile reads a configuration file in redis.conf syntax into v.
func (v *Values) LoadFile(path string) error {
	if abs, err := filepath.Abs(path); err == nil && v.File == "" {
		v.File = abs
	}
	return v.loadFile(path, 0)
}

func (v *Values) loadFile(path string, depth int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("can't open config file '%s': %w", path, err)
	}
	return v.load(path, string(data), depth)
}

// LoadString reads configuration text; name is used in errors. It follows
// Redis's loadServerConfigFromString: one directive per line, lines
// trimmed, '#' starts a comment line, arguments split like redis-cli's
// (quotes, escapes), names without case, the last setting wins.
func (v *Values) LoadString(name, text string) error { return v.load(name, text, 0) }

func (v *Values) load(name, text string, depth int) error {
	for i, line := range strings.Split(text, "\n") {
		line = strings.Trim(line, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		fail := func(msg string) error { return &FileError{File: name, Line: i + 1, Text: line, Msg: msg} }
		args, err := resp.SplitArgs(line)
		if err != nil {
			return fail("Unbalanced quotes in configuration line")
		}
		if len(args) == 0 {
			continue
		}
		directive := strings.ToLower(args[0])
		if directive == "include" && len(args) == 2 {
			if depth >= maxIncludeDepth {
				return fail("include nested too deep")
			}
			if err := v.loadFile(args[1], depth+1); err != nil {
				return err
			}
			continue
		}
		o := v.Lookup(directive)
		if o == nil {
			return fail("Bad directive or wrong number of arguments")
		}
		if !o.Multi && len(args) != 2 {
			return fail("wrong number of arguments")
		}
		if err := v.Set(o.Name, strings.Join(args[1:], " ")); err != nil {
			return fail(err.Error())
		}
	}
	return nil
}
