package packaging

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The scripts that set up a machine, render the docs and build the image,
// each beside what it serves.
var scripts = []string{
	".devcontainer/post-create.sh",
	"docs/diagrams/render.sh",
	"final/docker/build-static.sh",
	"final/docker/entrypoint.sh",
}

// Every script exists, parses in the shell its first line names, and is
// executable.
func TestScriptsParse(t *testing.T) {
	root := repoRoot(t)
	for _, rel := range scripts {
		s := filepath.Join(root, filepath.FromSlash(rel))
		src, err := os.ReadFile(s)
		if err != nil {
			t.Error(err)
			continue
		}
		first, _, _ := strings.Cut(string(src), "\n")
		shell := "sh"
		if strings.Contains(first, "bash") {
			shell = "bash"
		}
		if !strings.HasPrefix(first, "#!") {
			t.Errorf("%s has no #! line", rel)
		}
		if out, err := exec.Command(shell, "-n", s).CombinedOutput(); err != nil {
			t.Errorf("%s -n %s: %v\n%s", shell, rel, err, out)
		}
		if fi, err := os.Stat(s); err == nil && fi.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable", rel)
		}
	}
}

// The container's entry point chooses what to run from the first argument,
// like the official Redis image. Stub programs on PATH print the argv they
// get.
func TestContainerEntrypoint(t *testing.T) {
	entry := filepath.Join(repoRoot(t), "final", "docker", "entrypoint.sh")
	stubs := t.TempDir()
	for _, name := range []string{"gocache-server", "gocache-cli"} {
		stub := "#!/bin/sh\necho " + name + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(stubs, name), []byte(stub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{nil, "gocache-server /etc/gocache.conf"},
		{[]string{"--appendonly", "yes"}, "gocache-server /etc/gocache.conf --appendonly yes"},
		{[]string{"/etc/gocache.conf", "--appendonly", "yes"}, "gocache-server /etc/gocache.conf --appendonly yes"},
		{[]string{"/etc/my.conf"}, "gocache-server /etc/my.conf"},
		{[]string{"gocache-cli", "-h", "cache", "PING"}, "gocache-cli -h cache PING"},
	}
	for _, tt := range tests {
		cmd := exec.Command("sh", append([]string{entry}, tt.args...)...)
		cmd.Env = []string{"PATH=" + stubs + ":/usr/bin:/bin"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("entrypoint %q: %v\n%s", tt.args, err, out)
			continue
		}
		if got := strings.TrimSpace(string(out)); got != tt.want {
			t.Errorf("entrypoint %q ran %q, want %q", tt.args, got, tt.want)
		}
	}
}

// The image's configuration decides whether a published port works:
// listen on all interfaces, protected mode off (as the official Redis
// image), data in the volume.
func TestImageConfig(t *testing.T) {
	conf := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(readRepoFile(t, "final/docker/gocache.conf")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, _ := strings.Cut(line, " ")
		if _, dup := conf[name]; dup {
			t.Errorf("gocache.conf sets %s twice", name)
		}
		conf[name] = strings.TrimSpace(value)
	}
	want := map[string]string{
		"bind":           "0.0.0.0 -::",
		"port":           "6379",
		"protected-mode": "no",
		"dir":            "/data",
	}
	for k, v := range want {
		if conf[k] != v {
			t.Errorf("gocache.conf %s = %q, want %q", k, conf[k], v)
		}
	}
}

// In CI (root on Debian) the post-create script must succeed and leave
// redis-server, redis-sentinel and nutcracker installed; where things are
// installed it only checks them.
func TestPostCreateScript(t *testing.T) {
	if os.Getenv("CI") == "" {
		t.Skip("set CI=1 to run .devcontainer/post-create.sh: it installs packages with apt-get")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", ".devcontainer/post-create.sh")
	cmd.Dir = repoRoot(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf(".devcontainer/post-create.sh: %v\n%s", err, out)
	}
	for _, prog := range []string{"redis-server", "redis-cli", "redis-sentinel", "nutcracker", "nc"} {
		if _, err := exec.LookPath(prog); err != nil && !isExecutable(filepath.Join("/usr/sbin", prog)) {
			t.Errorf("%s not on PATH after .devcontainer/post-create.sh: %v\n%s", prog, err, out)
		}
	}
}

// Every diagram source has its rendered images beside it.
func TestDiagramsRendered(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "docs", "diagrams")
	sources, err := filepath.Glob(filepath.Join(dir, "*.mmd"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sources) < 2 {
		t.Fatalf("found %d Mermaid sources in docs/diagrams, want at least 2", len(sources))
	}
	for _, src := range sources {
		base := strings.TrimSuffix(src, ".mmd")
		for _, ext := range []string{".svg", ".png"} {
			if fi, err := os.Stat(base + ext); err != nil || fi.Size() == 0 {
				t.Errorf("%s has no %s image: run docs/diagrams/render.sh %s", filepath.Base(src), ext, filepath.Base(src))
			}
		}
	}
}

// isExecutable reports whether path is a file someone may run: Debian puts
// nutcracker in /usr/sbin, which a user's PATH often lacks.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}
