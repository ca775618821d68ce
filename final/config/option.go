package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
	"github.com/gocache/gocache/chapters/02-resp/server"
)

// Kind is how an option's value is written and checked, as in Redis's
// config.c (boolConfig, numericConfig, enumConfig, stringConfig).
type Kind uint8

const (
	Bool    Kind = iota // yes | no
	Int                 // a decimal integer between Min and Max
	Memory              // an integer with an optional unit: 1k 1kb 1m 1mb 1g 1gb
	Enum                // one of Values, without case
	String              // any text
	Special             // parsed by the option's own Parse
)

// Option is one row of the option table. The same row serves the
// configuration file, the command line, CONFIG GET and CONFIG SET, so the
// four can never disagree about a name, a default or a check.
type Option struct {
	Name    string
	Kind    Kind
	Default string
	Min     int64    // Int and Memory
	Max     int64    // Int and Memory
	Values  []string // Enum
	Mutable bool     // CONFIG SET may change it while the server runs
	// Multi marks options whose value may span several words on a
	// configuration line (bind 127.0.0.1 ::1); they are joined with spaces.
	Multi bool
	Usage string
	// Parse checks and normalizes the value after the kind's own check,
	// returning the form CONFIG GET shows (and an error in Redis's words).
	// old is the current value, for options a new value only partly
	// replaces (client-output-buffer-limit).
	Parse func(v, old string) (string, error)
}

// normalize checks v against the option's kind and returns its canonical
// form: "yes"/"no", a decimal number of bytes, a lowercase enum value.
func (o *Option) normalize(v, old string) (string, error) {
	switch o.Kind {
	case Bool:
		switch strings.ToLower(v) {
		case "yes":
			v = "yes"
		case "no":
			v = "no"
		default:
			return "", errors.New("argument must be 'yes' or 'no'")
		}
	case Int:
		n, ok := resp.ParseInt([]byte(v))
		if !ok {
			return "", errors.New("argument couldn't be parsed into an integer")
		}
		if err := o.inRange(n); err != nil {
			return "", err
		}
		v = strconv.FormatInt(n, 10)
	case Memory:
		u, ok := server.ParseMemory(v)
		if !ok {
			return "", errors.New("argument must be a memory value")
		}
		if u > math.MaxInt64 {
			return "", o.rangeError()
		}
		if err := o.inRange(int64(u)); err != nil {
			return "", err
		}
		v = strconv.FormatUint(u, 10)
	case Enum:
		found := false
		for _, e := range o.Values {
			if strings.EqualFold(e, v) {
				v, found = e, true
				break
			}
		}
		if !found {
			return "", fmt.Errorf("argument(s) must be one of the following: %s", strings.Join(o.Values, ", "))
		}
	}
	if o.Parse != nil {
		return o.Parse(v, old)
	}
	return v, nil
}

func (o *Option) inRange(n int64) error {
	if o.Min == 0 && o.Max == 0 {
		return nil
	}
	if n < o.Min || n > o.Max {
		return o.rangeError()
	}
	return nil
}

func (o *Option) rangeError() error {
	return fmt.Errorf("argument must be between %d and %d inclusive", o.Min, o.Max)
}
