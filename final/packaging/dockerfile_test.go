package packaging

import (
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

func TestCheckPinned(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	tests := []struct {
		ref    string
		pinned bool
	}{
		{"golang:1.26-bookworm", true},
		{"debian:bookworm-slim", true},
		{"gcr.io/distroless/static-debian12:nonroot", true},
		{"debian:bookworm-slim@" + digest, true},
		{"debian@" + digest, true},
		{"localhost:5000/gocache:1.0", true},
		{"golang", false},
		{"golang:latest", false},
		{"localhost:5000/gocache", false},
		{"golang:${GO_VERSION}", false},
		{"debian@sha256:short", false},
	}
	for _, tt := range tests {
		err := CheckPinned(tt.ref)
		if (err == nil) != tt.pinned {
			t.Errorf("CheckPinned(%q) = %v, want pinned=%v", tt.ref, err, tt.pinned)
		}
	}
}

func TestDockerfileBaseImagesArePinned(t *testing.T) {
	stages := Stages(ParseDockerfile(readRepoFile(t, "Dockerfile")))
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a runtime stage", len(stages))
	}
	var names []string
	for _, st := range stages {
		if !slices.Contains(names, st.Image) { // FROM <earlier stage> is not an image
			if err := CheckPinned(st.Image); err != nil {
				t.Errorf("Dockerfile:%d: %v", st.Line, err)
			}
		}
		if st.Name != "" {
			names = append(names, st.Name)
		}
	}
	if got := stages[0].Image; !strings.HasPrefix(got, "golang:1.26-bookworm") {
		t.Errorf("build stage starts from %q, want golang:1.26-bookworm", got)
	}
}

// The runtime stage must give a working server on a published port: the
// right port and volume, a non-root user, a health check through the client
// and an exec-form entry point that receives docker run's arguments.
func TestDockerfileRuntimeStage(t *testing.T) {
	ins := ParseDockerfile(readRepoFile(t, "Dockerfile"))
	last := 0
	for i, in := range ins {
		if in.Cmd == "FROM" {
			last = i
		}
	}
	final := map[string][]string{}
	for _, in := range ins[last:] {
		final[in.Cmd] = append(final[in.Cmd], in.Args)
	}
	want := map[string]string{"EXPOSE": "6379", "VOLUME": "/data", "WORKDIR": "/data"}
	for cmd, arg := range want {
		if !slices.Contains(final[cmd], arg) {
			t.Errorf("runtime stage %s = %q, want %q", cmd, final[cmd], arg)
		}
	}
	users := final["USER"]
	if len(users) == 0 {
		t.Error("runtime stage has no USER: the server would run as root")
	} else if u, _, _ := strings.Cut(users[len(users)-1], ":"); u == "root" || u == "0" {
		t.Errorf("runtime stage USER %q is root", users[len(users)-1])
	}

	hc := strings.Join(final["HEALTHCHECK"], " ")
	_, cmd, _ := strings.Cut(hc, "CMD ")
	argv, ok := ExecForm(strings.TrimSpace(cmd))
	if !ok || len(argv) == 0 || path.Base(argv[0]) != "gocache-cli" ||
		!slices.Equal(argv[1:], []string{"-p", "6379", "PING"}) {
		t.Errorf("HEALTHCHECK %q, want CMD [\"gocache-cli\", \"-p\", \"6379\", \"PING\"] (exec form)", hc)
	}
	eps := final["ENTRYPOINT"]
	if len(eps) != 1 {
		t.Fatalf("runtime stage has %d ENTRYPOINTs, want 1", len(eps))
	}
	if _, ok := ExecForm(eps[0]); !ok {
		t.Errorf("ENTRYPOINT %s is shell form: the server would not be PID 1 and docker stop's SIGTERM would not reach it", eps[0])
	}
}

// The build flags are kept in final/docker/build-static.sh only: the Dockerfile
// must run that script, never a go build of its own, and copy out the two
// binaries it makes.
func TestDockerfileBuildsWithTheScript(t *testing.T) {
	ins := ParseDockerfile(readRepoFile(t, "Dockerfile"))
	var runsScript bool
	var copied []string
	for _, in := range ins {
		switch in.Cmd {
		case "RUN":
			if strings.Contains(in.Args, "go build") {
				t.Errorf("Dockerfile:%d runs go build itself; call final/docker/build-static.sh instead", in.Line)
			}
			if strings.Contains(in.Args, "final/docker/build-static.sh") {
				runsScript = true
			}
		case "COPY":
			if strings.HasPrefix(in.Args, "--from=") {
				for _, f := range strings.Fields(in.Args)[1:] {
					copied = append(copied, path.Base(f))
				}
			}
		}
	}
	if !runsScript {
		t.Error("no RUN instruction calls final/docker/build-static.sh")
	}
	for _, bin := range []string{"gocache-server", "gocache-cli"} {
		if !slices.Contains(copied, bin) {
			t.Errorf("runtime stage does not copy %s from the build stage (copies %q)", bin, copied)
		}
	}
	script := string(readRepoFile(t, "final/docker/build-static.sh"))
	for _, want := range []string{`CGO_ENABLED=0 go build -trimpath -ldflags="-s -w"`, "gocache-server ./final", "gocache-cli ./client"} {
		if !strings.Contains(script, want) {
			t.Errorf("final/docker/build-static.sh lacks %q", want)
		}
	}
}

// Every file the Dockerfile copies must survive .dockerignore, and the
// things a build never needs must not be sent to the engine.
func TestDockerignore(t *testing.T) {
	rules, err := ParseDockerignore(readRepoFile(t, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ParseDockerfile(readRepoFile(t, "Dockerfile")) {
		if in.Cmd != "COPY" || strings.HasPrefix(in.Args, "--from=") {
			continue
		}
		fields := strings.Fields(in.Args)
		for _, src := range fields[:len(fields)-1] {
			if rules.Ignored(strings.TrimSuffix(src, "/")) {
				t.Errorf("Dockerfile:%d copies %s, which .dockerignore leaves out", in.Line, src)
			}
		}
	}
	kept := []string{"go.mod", "go.sum", "final/main.go", "client/main.go",
		"chapters/02-resp/resp/parser.go", "final/docker/build-static.sh", "final/docker/entrypoint.sh",
		"final/docker/gocache.conf"}
	for _, p := range kept {
		if rules.Ignored(p) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", p)
		}
	}
	dropped := []string{".git/HEAD", "docs/diagrams/request-path.png", ".devcontainer/devcontainer.json",
		"chapters/02-resp/resp/parser_test.go", "chapters/02-resp/resp/testdata/fuzz/x", "chapters/01-reactor/README.md",
		"final/packaging/dockerfile.go", ".devcontainer/post-create.sh", "docs/diagrams/render.sh",
		"bin/gocache-server"}
	for _, p := range dropped {
		if !rules.Ignored(p) {
			t.Errorf(".dockerignore sends %s to the build", p)
		}
	}
}

// Once the binaries exist, the Go files of every package they are built
// from (within this module) must be in the build context.
func TestDockerContextHoldsTheSources(t *testing.T) {
	root := repoRoot(t)
	skipWithoutMains(t, root)
	rules, err := ParseDockerignore(readRepoFile(t, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "-f",
		`{{if not .Standard}}{{.ImportPath}}{{range .GoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}`,
		"./final", "./client")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/gocache/gocache"
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || (fields[0] != module && !strings.HasPrefix(fields[0], module+"/")) {
			continue
		}
		dir := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		for _, f := range fields[1:] {
			if p := path.Join(dir, f); rules.Ignored(p) {
				t.Errorf("%s is compiled into the binaries but .dockerignore leaves it out", p)
			}
		}
	}
}
