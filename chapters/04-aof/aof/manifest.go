package aof

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gocache/gocache/chapters/02-resp/resp"
)

// FileType is the type letter of a manifest line.
type FileType byte

// The three kinds of file a Redis 7 manifest lists.
const (
	// BaseFile is the snapshot the log starts from (at most one).
	BaseFile FileType = 'b'
	// HistoryFile is a base or incr file made obsolete by a rewrite; it is
	// not loaded and is deleted once the new manifest is on disk.
	HistoryFile FileType = 'h'
	// IncrFile holds commands appended after the base, loaded in order.
	IncrFile FileType = 'i'
)

// Suffixes of the Redis 7 naming scheme:
// <appendfilename>.<seq>.base.aof, <appendfilename>.<seq>.incr.aof,
// <appendfilename>.manifest, and temp-<name> while a file is being replaced.
const (
	baseSuffix     = ".base"
	incrSuffix     = ".incr"
	aofSuffix      = ".aof"
	rdbSuffix      = ".rdb"
	manifestSuffix = ".manifest"
	tempPrefix     = "temp-"
	// maxManifestLine is Redis's MANIFEST_MAX_LINE.
	maxManifestLine = 1024
)

// Info is one manifest line: a file, its sequence number and its type.
type Info struct {
	Name string
	Seq  int64
	Type FileType
}

// Manifest lists the files of a multi-part AOF: the base first, then the
// history files, then the incr files in load order. It is Redis's aofManifest.
// Methods that change it only change memory; Dir.WriteManifest persists it.
type Manifest struct {
	Base    *Info
	History []Info
	Incr    []Info
	// BaseSeq and IncrSeq are the last sequence numbers handed out; new
	// files get the next one so that names never repeat.
	BaseSeq int64
	IncrSeq int64
}

// Empty reports whether the manifest lists no file to load.
func (m *Manifest) Empty() bool { return m.Base == nil && len(m.Incr) == 0 }

// Clone returns a deep copy, to be changed and persisted while the original
// stays in use until the new one is safely on disk (Redis's aofManifestDup).
func (m *Manifest) Clone() *Manifest {
	c := &Manifest{BaseSeq: m.BaseSeq, IncrSeq: m.IncrSeq}
	if m.Base != nil {
		b := *m.Base
		c.Base = &b
	}
	c.History = append([]Info(nil), m.History...)
	c.Incr = append([]Info(nil), m.Incr...)
	return c
}

// NewBase names the next base file and turns the current base, if any,
// into a history file (Redis's getNewBaseFileNameAndMarkPreAsHistory).
// An RDB base (aof-use-rdb-preamble yes) ends in .base.rdb.
func (m *Manifest) NewBase(prefix string, rdb bool) string {
	if m.Base != nil {
		old := *m.Base
		old.Type = HistoryFile
		m.History = append([]Info{old}, m.History...)
	}
	m.BaseSeq++
	suffix := aofSuffix
	if rdb {
		suffix = rdbSuffix
	}
	m.Base = &Info{Name: fmt.Sprintf("%s.%d%s%s", prefix, m.BaseSeq, baseSuffix, suffix), Seq: m.BaseSeq, Type: BaseFile}
	return m.Base.Name
}

// NewIncr names the next incr file and appends it to the list (Redis's
// getNewIncrAofName).
func (m *Manifest) NewIncr(prefix string) string {
	m.IncrSeq++
	name := fmt.Sprintf("%s.%d%s%s", prefix, m.IncrSeq, incrSuffix, aofSuffix)
	m.Incr = append(m.Incr, Info{Name: name, Seq: m.IncrSeq, Type: IncrFile})
	return name
}

// LastIncr returns the incr file appends go to, creating its entry when
// there is none (Redis's getLastIncrAofName).
func (m *Manifest) LastIncr(prefix string) string {
	if len(m.Incr) == 0 {
		return m.NewIncr(prefix)
	}
	return m.Incr[len(m.Incr)-1].Name
}

// MarkIncrHistory turns every incr file but the last (the one being
// appended to) into history: a rewrite's new base already contains them
// (Redis's markRewrittenIncrAsHistory with AOF on).
func (m *Manifest) MarkIncrHistory() {
	if len(m.Incr) < 2 {
		return
	}
	done := m.Incr[:len(m.Incr)-1]
	for i := len(done) - 1; i >= 0; i-- {
		h := done[i]
		h.Type = HistoryFile
		m.History = append([]Info{h}, m.History...)
	}
	m.Incr = append([]Info(nil), m.Incr[len(m.Incr)-1])
}

// MarshalText formats the manifest exactly as Redis 7 writes it:
// "file <name> seq <n> type <t>\n" per file, base first, then history,
// then incr; names that need it are quoted like sdscatrepr.
func (m *Manifest) MarshalText() ([]byte, error) {
	var b []byte
	if m.Base != nil {
		b = appendInfo(b, *m.Base)
	}
	for _, h := range m.History {
		b = appendInfo(b, h)
	}
	for _, in := range m.Incr {
		b = appendInfo(b, in)
	}
	return b, nil
}

func appendInfo(b []byte, in Info) []byte {
	b = append(b, "file "...)
	b = appendRepr(b, in.Name)
	b = append(b, " seq "...)
	b = strconv.AppendInt(b, in.Seq, 10)
	b = append(b, " type "...)
	b = append(b, byte(in.Type), '\n')
	return b
}

// appendRepr writes name as is unless Redis's sdsneedsrepr says it must be
// quoted, in which case it writes sdscatrepr's quoted form, which
// sdssplitargs (and resp.SplitArgs) reads back.
func appendRepr(b []byte, name string) []byte {
	if !needsRepr(name) {
		return append(b, name...)
	}
	return resp.AppendRepr(b, []byte(name))
}

func needsRepr(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' || c == '"' || !isPrint(c) || c == ' ' {
			return true
		}
	}
	return false
}

// isPrint is C's isprint in the "C" locale.
func isPrint(c byte) bool { return c >= 0x20 && c < 0x7f }

// ManifestError is a manifest Redis would refuse, with the same reasons.
type ManifestError struct {
	Line    int    // 1-based line number, 0 when not about one line
	Text    string // the offending line, trimmed
	Problem string // Redis's text, e.g. "Invalid AOF manifest file format"
}

func (e *ManifestError) Error() string {
	if e.Line == 0 {
		return e.Problem
	}
	return fmt.Sprintf("%s at line %d: '%s'", e.Problem, e.Line, e.Text)
}

// ParseManifest reads a manifest with Redis 7's rules (aofLoadManifestFromFile):
// lines starting with '#' are comments; every other line must end in '\n',
// be at most 1024 bytes, and hold "key value" pairs (sdssplitargs quoting)
// among which file, seq and type are required; unknown keys are ignored for
// forward compatibility; at most one base; incr sequence numbers increase.
func ParseManifest(r io.Reader) (*Manifest, error) {
	m := &Manifest{}
	br := bufio.NewReaderSize(r, 4096)
	var maxIncr int64
	for lineno := 1; ; lineno++ {
		raw, err := readManifestLine(br)
		if err == io.EOF {
			if lineno == 1 {
				return nil, &ManifestError{Problem: "Found an empty AOF manifest"}
			}
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		if raw[0] == '#' {
			continue
		}
		if raw[len(raw)-1] != '\n' {
			return nil, &ManifestError{Line: lineno, Text: string(raw), Problem: "The AOF manifest file contains too long line"}
		}
		line := strings.Trim(string(raw), " \t\r\n")
		bad := func(p string) error { return &ManifestError{Line: lineno, Text: line, Problem: p} }
		if line == "" {
			return nil, bad("Invalid AOF manifest file format")
		}
		in, problem := parseManifestLine(line)
		if problem != "" {
			return nil, bad(problem)
		}
		switch in.Type {
		case BaseFile:
			if m.Base != nil {
				return nil, bad("Found duplicate base file information")
			}
			m.Base = &in
			m.BaseSeq = in.Seq
		case HistoryFile:
			m.History = append(m.History, in)
		case IncrFile:
			if in.Seq <= maxIncr {
				return nil, bad("Found a non-monotonic sequence number")
			}
			m.Incr = append(m.Incr, in)
			m.IncrSeq, maxIncr = in.Seq, in.Seq
		default:
			return nil, bad("Unknown AOF file type")
		}
	}
}

// readManifestLine is fgets with a 1025-byte buffer: it returns up to and
// including '\n', or 1024 bytes without one (a line too long), or what is
// left at the end of the file.
func readManifestLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for len(line) < maxManifestLine {
		c, err := br.ReadByte()
		if err == io.EOF {
			if len(line) == 0 {
				return nil, io.EOF
			}
			return line, nil
		}
		if err != nil {
			return nil, err
		}
		line = append(line, c)
		if c == '\n' {
			break
		}
	}
	return line, nil
}

func parseManifestLine(line string) (Info, string) {
	const invalid = "Invalid AOF manifest file format"
	argv, err := resp.SplitArgs(line)
	if err != nil || len(argv) < 6 || len(argv)%2 != 0 {
		return Info{}, invalid
	}
	var in Info
	for i := 0; i < len(argv); i += 2 {
		switch v := argv[i+1]; strings.ToLower(argv[i]) {
		case "file":
			if strings.ContainsAny(v, `/\`) {
				return Info{}, "File can't be a path, just a filename"
			}
			in.Name = v
		case "seq":
			in.Seq = atoll(v)
		case "type":
			if v != "" {
				in.Type = FileType(v[0])
			}
		}
	}
	if in.Name == "" || in.Seq == 0 || in.Type == 0 {
		return Info{}, invalid
	}
	return in, ""
}

// atoll is C's atoll: leading spaces, an optional sign, then digits up to
// the first non-digit; no digits gives 0.
func atoll(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int64
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}
