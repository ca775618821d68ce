package packaging

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Instruction is one Dockerfile instruction with its line continuations
// joined: Cmd is upper-cased ("FROM", "RUN"), Args is the rest of the line.
type Instruction struct {
	Line int
	Cmd  string
	Args string
}

// ParseDockerfile splits a Dockerfile into instructions. It knows what the
// checks here need: comments, blank lines and backslash continuations (with
// comment lines allowed inside a continued instruction, as Docker allows).
func ParseDockerfile(src []byte) []Instruction {
	var out []Instruction
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		cont := strings.HasSuffix(line, `\`)
		cur.WriteString(strings.TrimSuffix(line, `\`))
		if cont {
			cur.WriteByte(' ')
			continue
		}
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, Instruction{Line: start, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// Stage is one FROM: the image it starts from and its name, if any.
type Stage struct {
	Line  int
	Image string
	Name  string
}

// Stages lists the FROM instructions, dropping flags such as --platform.
func Stages(ins []Instruction) []Stage {
	var out []Stage
	for _, in := range ins {
		if in.Cmd != "FROM" {
			continue
		}
		var words []string
		for _, w := range strings.Fields(in.Args) {
			if !strings.HasPrefix(w, "--") {
				words = append(words, w)
			}
		}
		st := Stage{Line: in.Line}
		if len(words) > 0 {
			st.Image = words[0]
		}
		if len(words) == 3 && strings.EqualFold(words[1], "AS") {
			st.Name = words[2]
		}
		out = append(out, st)
	}
	return out
}

// CheckPinned says why an external base image reference is not pinned: it
// must name a tag other than "latest" or a digest. Stage names are not
// images and are skipped by the caller.
func CheckPinned(ref string) error {
	name, digest, hasDigest := strings.Cut(ref, "@")
	if hasDigest && !regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(digest) {
		return fmt.Errorf("%s: malformed digest", ref)
	}
	// A tag is after the last colon that follows the last slash; a colon
	// before it belongs to a registry port (localhost:5000/x).
	tag := ""
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		tag = name[i+1:]
	}
	switch {
	case tag == "latest":
		return fmt.Errorf("%s: the latest tag moves with every release", ref)
	case tag == "" && !hasDigest:
		return fmt.Errorf("%s: no tag or digest, which means latest", ref)
	case strings.Contains(tag, "$"):
		return fmt.Errorf("%s: tag comes from a build argument", ref)
	}
	return nil
}

// ExecForm decodes a JSON-array argument (ENTRYPOINT ["a", "b"]); ok is false
// for the shell form.
func ExecForm(args string) (argv []string, ok bool) {
	if !strings.HasPrefix(args, "[") {
		return nil, false
	}
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		return nil, false
	}
	return argv, true
}

// IgnoreRules is a parsed .dockerignore.
type IgnoreRules struct {
	rules []ignoreRule
}

type ignoreRule struct {
	re     *regexp.Regexp
	negate bool
}

// ParseDockerignore reads .dockerignore patterns: Go filepath.Match syntax
// plus "**" for any number of directories, "!" to re-include. As in Docker,
// the last matching rule decides, and a pattern matching a directory covers
// everything inside it.
func ParseDockerignore(src []byte) (*IgnoreRules, error) {
	r := &IgnoreRules{}
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		neg := strings.HasPrefix(line, "!")
		pat := path.Clean(strings.TrimPrefix(strings.TrimPrefix(line, "!"), "/"))
		re, err := regexp.Compile("^" + globToRegexp(pat) + "$")
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", line, err)
		}
		r.rules = append(r.rules, ignoreRule{re: re, negate: neg})
	}
	return r, nil
}

// Ignored reports whether a slash-separated path relative to the context
// root is left out of the build context.
func (r *IgnoreRules) Ignored(p string) bool {
	ignored := false
	for _, rule := range r.rules {
		if matchSelfOrParent(rule.re, p) {
			ignored = !rule.negate
		}
	}
	return ignored
}

func matchSelfOrParent(re *regexp.Regexp, p string) bool {
	for {
		if re.MatchString(p) {
			return true
		}
		i := strings.LastIndex(p, "/")
		if i < 0 {
			return false
		}
		p = p[:i]
	}
}

func globToRegexp(pat string) string {
	var b strings.Builder
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '*':
			if i+1 < len(pat) && pat[i+1] == '*' {
				i++
				if i+1 < len(pat) && pat[i+1] == '/' {
					i++
					b.WriteString("(.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[', ']':
			b.WriteByte(c)
		case '\\':
			if i+1 < len(pat) {
				i++
				b.WriteString(regexp.QuoteMeta(string(pat[i])))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}
