package packaging

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// programs are the course's and the final server's main packages, with
// whether they take --dir.
var programs = []struct {
	pkg    string
	hasDir bool
}{
	{"./chapters/01-reactor", false},
	{"./chapters/02-resp", false},
	{"./chapters/03-cache", false},
	{"./chapters/04-aof", true},
	{"./chapters/05-aof-rewrite", true},
	{"./chapters/06-lists", true},
	{"./chapters/07-hashes-sets", true},
	{"./chapters/08-sorted-sets", true},
	{"./chapters/09-compact", true},
	{"./chapters/10-transactions-pubsub", true},
	{"./chapters/11-eviction", true},
	{"./final", true},
}

// TestCommandLinesAreRefusedNotIgnored runs every program with command
// lines redis-server refuses: a stray word (the flag parser would stop
// there and drop every option after it), a bad flag value, and a --dir
// that does not exist. Each must exit 1 at once with one clear message,
// printed once, and create nothing.
func TestCommandLinesAreRefusedNotIgnored(t *testing.T) {
	root := repoRoot(t)
	bins := t.TempDir()
	missing := filepath.Join(t.TempDir(), "nonexistent")
	for _, p := range programs {
		bin := filepath.Join(bins, filepath.Base(p.pkg))
		build := exec.Command("go", "build", "-o", bin, p.pkg)
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", p.pkg, err, out)
		}
		type refusal struct {
			args []string
			want string
		}
		cases := []refusal{{[]string{"--port", "0", "extra"}, `unexpected argument "extra"`}}
		if p.pkg == "./final" {
			// As for redis-server, the first word is the configuration file.
			cases = append(cases,
				refusal{[]string{"extra", "--port", "0"}, "can't open config file 'extra'"},
				refusal{[]string{filepath.Join(root, "final", "gocache.conf"), "extra", "--port", "0"}, `unexpected argument "extra"`},
				refusal{[]string{"--nosuch", "1"}, "flag provided but not defined: -nosuch"})
		} else {
			cases = append(cases,
				refusal{[]string{"extra", "--port", "0"}, `unexpected argument "extra"`},
				refusal{[]string{"--port", "abc"}, `invalid value "abc" for flag -port`})
		}
		if p.hasDir {
			cases = append(cases, refusal{[]string{"--port", "0", "--dir", missing}, "No such file or directory"})
		}
		for _, tc := range cases {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			cmd := exec.CommandContext(ctx, bin, tc.args...)
			cmd.Dir = t.TempDir()
			out, err := cmd.CombinedOutput()
			timedOut := ctx.Err() == context.DeadlineExceeded
			cancel()
			if timedOut {
				t.Errorf("%s %q: still running after 20s; it must refuse the command line", p.pkg, tc.args)
				continue
			}
			if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
				t.Errorf("%s %q: want exit status 1, got %v\n%s", p.pkg, tc.args, err, out)
			}
			if n := strings.Count(string(out), tc.want); n != 1 {
				t.Errorf("%s %q: output holds %q %d times, want once:\n%s", p.pkg, tc.args, tc.want, n, out)
			}
			if strings.Contains(string(out), "USAGE") || strings.Contains(string(out), "ready to accept") {
				t.Errorf("%s %q: printed usage or started:\n%s", p.pkg, tc.args, out)
			}
		}
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a refused --dir was created (stat: %v)", err)
	}
}
