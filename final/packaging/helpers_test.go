package packaging

import (
	"os"
	"path/filepath"
	"testing"
)

// repoRoot is the module root: the nearest directory at or above the
// package directory (where tests run, final/packaging) that holds go.mod.
// Searching rather than counting levels keeps the tests working if the
// package moves.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for start := dir; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod in %s or any directory above it", start)
		}
		dir = parent
	}
}

func readRepoFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
