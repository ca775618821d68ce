package packaging

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The tutorials quote the real code. A quote is a marker line naming a file,
// relative to the repository root, followed at once by a fenced code block:
//
//	<!-- quote: chapters/02-resp/resp/parser.go -->
//	```go
//	func (p *Parser) Need() int { return p.need }
//	```
//
// The block must be a contiguous run of the file's lines, byte for byte, with
// exactly two allowances:
//
//   - blank lines at the start and end of the block are ignored;
//   - the quote may drop the same number of leading tabs from every line, so
//     a few lines from inside a function can be shown without their
//     indentation (blank lines stay blank).
//
// Nothing else is forgiven: no elided lines ("// ..."), no trailing-space or
// spacing differences. The tutorials quote whole functions or unbroken runs,
// so a quote that no longer matches means the code changed under the text.

// quoteMarker is the only accepted spelling of a marker line.
var quoteMarker = regexp.MustCompile(`^<!-- quote: (\S+) -->$`)

// readmeQuote is one marker and the code block that follows it.
type readmeQuote struct {
	line  int    // 1-based line of the marker in the README
	path  string // the quoted file, relative to the repository root
	block []string
}

// scanQuotes finds every quote in a Markdown document. Markers inside fenced
// blocks are text, not markers (a README may show the syntax). A marker not
// followed by a fenced block, a misspelt marker, or an unclosed block is an
// error.
func scanQuotes(md string) ([]readmeQuote, []error) {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	var quotes []readmeQuote
	var errs []error
	fence := "" // the opening fence while inside a block
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if fence != "" {
			if closesFence(l, fence) {
				fence = ""
			}
			continue
		}
		if f := openingFence(l); f != "" {
			fence = f
			continue
		}
		if !strings.HasPrefix(strings.TrimSpace(l), "<!--") || !strings.Contains(l, "quote:") {
			continue
		}
		m := quoteMarker.FindStringSubmatch(l)
		if m == nil {
			errs = append(errs, fmt.Errorf("line %d: malformed quote marker %q (want \"<!-- quote: PATH -->\")", i+1, l))
			continue
		}
		q := readmeQuote{line: i + 1, path: m[1]}
		if i+1 >= len(lines) || openingFence(lines[i+1]) == "" {
			errs = append(errs, fmt.Errorf("line %d: quote marker for %s is not followed by a fenced code block", q.line, q.path))
			continue
		}
		open := openingFence(lines[i+1])
		end := i + 2
		for end < len(lines) && !closesFence(lines[end], open) {
			end++
		}
		if end >= len(lines) {
			errs = append(errs, fmt.Errorf("line %d: the code block quoting %s is never closed", q.line, q.path))
			return quotes, errs
		}
		q.block = lines[i+2 : end]
		quotes = append(quotes, q)
		i = end
	}
	if fence != "" {
		errs = append(errs, fmt.Errorf("a fenced code block is never closed"))
	}
	return quotes, errs
}

// openingFence returns the run of backticks that opens a fenced block at l
// (CommonMark: at least three, at most three spaces of indentation), or "".
func openingFence(l string) string {
	t := strings.TrimLeft(l, " ")
	if len(l)-len(t) > 3 {
		return ""
	}
	n := len(t) - len(strings.TrimLeft(t, "`"))
	if n < 3 || strings.Contains(t[n:], "`") {
		return ""
	}
	return t[:n]
}

// closesFence reports whether l closes a block opened by fence: backticks
// only, at least as many.
func closesFence(l, fence string) bool {
	t := strings.TrimSpace(l)
	return len(t) >= len(fence) && strings.Trim(t, "`") == ""
}

// matchQuote reports whether block is a contiguous run of src's lines under
// the rules above. When it is not, detail says how far the best candidate
// run got, to point the reader at the line that drifted.
func matchQuote(src string, block []string) (ok bool, detail string) {
	for len(block) > 0 && strings.TrimSpace(block[0]) == "" {
		block = block[1:]
	}
	for len(block) > 0 && strings.TrimSpace(block[len(block)-1]) == "" {
		block = block[:len(block)-1]
	}
	if len(block) == 0 {
		return false, "the quote is empty"
	}
	lines := strings.Split(src, "\n")
	best, bestAt := -1, 0
	for start := range lines {
		extra, found := strings.CutSuffix(lines[start], block[0])
		if !found || strings.Trim(extra, "\t") != "" {
			continue
		}
		n := matchedLines(lines[start:], block, extra)
		if n == len(block) {
			return true, ""
		}
		if n > best {
			best, bestAt = n, start
		}
	}
	if best < 0 {
		return false, fmt.Sprintf("its first line %q is not in the file", block[0])
	}
	return false, fmt.Sprintf("the closest run starts at line %d of the file and agrees for %d line(s); quote line %d %q differs from the file's %q",
		bestAt+1, best, best+1, block[best], at(lines, bestAt+best))
}

// matchedLines counts how many lines of block equal lines, each with the
// indent prefix put back; blank quote lines must be empty in the file.
func matchedLines(lines, block []string, indent string) int {
	for i, q := range block {
		if i >= len(lines) {
			return i
		}
		want := indent + q
		if q == "" {
			want = ""
		}
		if lines[i] != want {
			return i
		}
	}
	return len(block)
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of file>"
}

// readmes lists the README.md files under the tutorial directories,
// relative to root.
func readmes(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"chapters", "docs"} {
		base := filepath.Join(root, dir)
		if _, err := os.Stat(base); err != nil {
			continue
		}
		err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && d.Name() == "README.md" {
				rel, err := filepath.Rel(root, p)
				if err != nil {
					return err
				}
				out = append(out, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// checkReadme checks every quote in one README (md, at path readme) against
// the files under root, and returns one error per problem, each naming the
// README, the marker's line and the quoted path.
func checkReadme(root, readme, md string) (quotes int, errs []error) {
	found, scanErrs := scanQuotes(md)
	for _, err := range scanErrs {
		errs = append(errs, fmt.Errorf("%s: %v", readme, err))
	}
	for _, q := range found {
		clean := path.Clean(q.path)
		if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || clean != q.path {
			errs = append(errs, fmt.Errorf("%s:%d: quote path %q must be a clean path relative to the repository root", readme, q.line, q.path))
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(clean)))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: quoted file %s: %v", readme, q.line, q.path, err))
			continue
		}
		if ok, detail := matchQuote(string(src), q.block); !ok {
			errs = append(errs, fmt.Errorf("%s:%d: the quote of %s no longer matches the file: %s", readme, q.line, q.path, detail))
		}
	}
	return len(found), errs
}

// TestReadmeQuotesMatchCode keeps the tutorials honest: every quoted block
// must still be in the file it names.
func TestReadmeQuotesMatchCode(t *testing.T) {
	root := repoRoot(t)
	files := readmes(t, root)
	if len(files) == 0 {
		t.Fatal("no README.md under chapters/ or docs/")
	}
	total := 0
	for _, readme := range files {
		n, errs := checkReadme(root, readme, string(readRepoFile(t, readme)))
		for _, err := range errs {
			t.Error(err)
		}
		total += n
	}
	t.Logf("%d quotes checked in %d README files", total, len(files))
}

// A README whose quote drifted, or names a missing file, fails with the
// README, the marker's line and the path.
func TestQuoteCheckNamesReadmeLineAndPath(t *testing.T) {
	root := t.TempDir()
	code := "package p\n\nfunc A() int {\n\treturn 1\n}\n"
	if err := os.WriteFile(filepath.Join(root, "a.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	md := "# T\n" +
		"<!-- quote: a.go -->\n```go\nfunc A() int {\n\treturn 1\n}\n```\n" + // line 2: good
		"<!-- quote: a.go -->\n```go\nfunc A() int {\n\treturn 2\n}\n```\n" + // line 8: drifted
		"<!-- quote: gone.go -->\n```go\nfunc A() int {\n```\n" + // line 14: missing file
		"<!-- quote: ../a.go -->\n```go\nfunc A() int {\n```\n" // line 18: outside the repository
	n, errs := checkReadme(root, "chapters/x/README.md", md)
	want := []string{
		"chapters/x/README.md:8: the quote of a.go no longer matches the file: the closest run starts at line 3 of the file and agrees for 1 line(s); quote line 2 \"\\treturn 2\" differs from the file's \"\\treturn 1\"",
		"chapters/x/README.md:14: quoted file gone.go: ",
		"chapters/x/README.md:18: quote path \"../a.go\" must be a clean path",
	}
	if n != 4 || len(errs) != len(want) {
		t.Fatalf("%d quotes, errors %v; want 4 quotes and %d errors", n, errs, len(want))
	}
	for i, err := range errs {
		if !strings.HasPrefix(err.Error(), want[i]) {
			t.Errorf("error %d:\n got %s\nwant %s...", i, err, want[i])
		}
	}
}

func TestQuoteMatcher(t *testing.T) {
	src := "package p\n" +
		"\n" +
		"// Need reports how many bytes are missing.\n" +
		"func (p *Parser) Need() int {\n" +
		"\tif p.need > 0 {\n" +
		"\t\treturn p.need\n" +
		"\t}\n" +
		"\n" +
		"\treturn 0\n" +
		"}\n"
	tests := []struct {
		name  string
		block string
		ok    bool
	}{
		{"whole function", "// Need reports how many bytes are missing.\nfunc (p *Parser) Need() int {\n\tif p.need > 0 {\n\t\treturn p.need\n\t}\n\n\treturn 0\n}", true},
		{"blank lines around the quote", "\n\nfunc (p *Parser) Need() int {\n\tif p.need > 0 {\n\n", true},
		{"body with one tab removed", "if p.need > 0 {\n\treturn p.need\n}\n\nreturn 0", true},
		{"drifted line", "func (p *Parser) Need() int {\n\tif p.need >= 0 {\n\t\treturn p.need\n\t}", false},
		{"drifted last line", "\t}\n\n\treturn 1\n}", false},
		{"line missing in the middle", "func (p *Parser) Need() int {\n\t\treturn p.need\n\t}", false},
		{"elision is not allowed", "func (p *Parser) Need() int {\n\t// ...\n\treturn 0\n}", false},
		{"uneven de-indentation", "if p.need > 0 {\n\t\treturn p.need\n}", false},
		{"spaces for tabs", "func (p *Parser) Need() int {\n    if p.need > 0 {", false},
		{"trailing space", "func (p *Parser) Need() int { ", false},
		{"more indentation than the file", "\tfunc (p *Parser) Need() int {", false},
		{"blank quote line must be empty in the file", "\t}\n\t\n\treturn 0", false},
		{"empty quote", "\n\n", false},
		{"not in the file at all", "func Other() {}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, detail := matchQuote(src, strings.Split(tt.block, "\n"))
			if ok != tt.ok {
				t.Fatalf("matchQuote = %v (%s), want %v", ok, detail, tt.ok)
			}
			if !ok && detail == "" {
				t.Fatal("a failed match must say why")
			}
		})
	}
}

func TestQuoteScanner(t *testing.T) {
	tests := []struct {
		name   string
		md     string
		paths  []string // quotes found, in order
		blocks []string // their text, lines joined by \n
		errs   []string // substrings of the expected errors, in order
	}{
		{
			name:   "two quotes",
			md:     "# T\n\n<!-- quote: a/b.go -->\n```go\nfunc A() {}\n```\ntext\n<!-- quote: c.go -->\n````\nx\n\ny\n````\n",
			paths:  []string{"a/b.go", "c.go"},
			blocks: []string{"func A() {}", "x\n\ny"},
		},
		{
			name: "marker inside a code block is text",
			md:   "```md\n<!-- quote: a.go -->\n```\n",
		},
		{
			name: "marker not followed by a block",
			md:   "<!-- quote: a.go -->\n\n```go\nx\n```\n",
			errs: []string{"line 1: quote marker for a.go is not followed by a fenced code block"},
		},
		{
			name: "misspelt marker",
			md:   "<!-- quote:a.go -->\n```go\nx\n```\n",
			errs: []string{"line 1: malformed quote marker"},
		},
		{
			name: "unclosed block",
			md:   "text\n<!-- quote: a.go -->\n```go\nx\n",
			errs: []string{"line 2: the code block quoting a.go is never closed"},
		},
		{
			name:   "a shorter fence does not close a longer one",
			md:     "<!-- quote: a.go -->\n````\n```\n````\n",
			paths:  []string{"a.go"},
			blocks: []string{"```"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			quotes, errs := scanQuotes(tt.md)
			var paths, blocks []string
			for _, q := range quotes {
				paths = append(paths, q.path)
				blocks = append(blocks, strings.Join(q.block, "\n"))
			}
			if fmt.Sprint(paths) != fmt.Sprint(tt.paths) || fmt.Sprintf("%q", blocks) != fmt.Sprintf("%q", tt.blocks) {
				t.Errorf("quotes %q %q, want %q %q", paths, blocks, tt.paths, tt.blocks)
			}
			if len(errs) != len(tt.errs) {
				t.Fatalf("errors %v, want %d matching %q", errs, len(tt.errs), tt.errs)
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.errs[i]) {
					t.Errorf("error %q, want it to contain %q", err, tt.errs[i])
				}
			}
		})
	}
}
