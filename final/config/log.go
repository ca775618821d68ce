package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/sirupsen/logrus"
)

// Redis's four log levels map onto logrus's: debug -> Trace, verbose ->
// Debug, notice -> Info, warning -> Warn. Code written against logrus
// (Debugf for chatter, Infof for events, Warnf for trouble) then lands at
// the Redis level an operator expects.
var logLevels = map[string]logrus.Level{
	"debug":   logrus.TraceLevel,
	"verbose": logrus.DebugLevel,
	"notice":  logrus.InfoLevel,
	"warning": logrus.WarnLevel,
}

// LogLevel maps a Redis log level name onto logrus.
func LogLevel(name string) (logrus.Level, bool) {
	l, ok := logLevels[name]
	return l, ok
}

// Logger builds the logger loglevel and logfile describe (an empty
// logfile is standard error), in Redis's line format.
func (v *Values) Logger() (*logrus.Logger, io.Closer, error) {
	log := logrus.New()
	log.SetFormatter(&Formatter{Pid: os.Getpid()})
	lvl, _ := LogLevel(v.Get("loglevel"))
	log.SetLevel(lvl)
	log.SetOutput(os.Stderr)
	var closer io.Closer = io.NopCloser(nil)
	if path := v.Get("logfile"); path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("can't open the log file: %w", err)
		}
		log.SetOutput(f)
		closer = f
	}
	v.OnChange("loglevel", func(val string) error {
		l, _ := LogLevel(val)
		log.SetLevel(l)
		return nil
	})
	return log, closer, nil
}

// Formatter writes Redis's log line: "pid:M 02 Jan 2006 15:04:05.000 *
// message", with the level's mark ('.' debug, '-' verbose, '*' notice,
// '#' warning) so that tools and eyes used to Redis logs read it as is.
// Fields follow the message as key=value.
type Formatter struct{ Pid int }

func (f *Formatter) Format(e *logrus.Entry) ([]byte, error) {
	mark := byte('#')
	switch e.Level {
	case logrus.TraceLevel:
		mark = '.'
	case logrus.DebugLevel:
		mark = '-'
	case logrus.InfoLevel:
		mark = '*'
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d:M %s %c %s", f.Pid, e.Time.Format("02 Jan 2006 15:04:05.000"), mark, e.Message)
	keys := make([]string, 0, len(e.Data))
	for k := range e.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, e.Data[k])
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
