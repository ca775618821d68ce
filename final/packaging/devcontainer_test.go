package packaging

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestDevcontainerFollowsSpec(t *testing.T) {
	src := readRepoFile(t, ".devcontainer/devcontainer.json")
	for _, err := range ValidateDevcontainer(src) {
		t.Errorf(".devcontainer/devcontainer.json: %v", err)
	}
}

// The settings the course relies on: a pinned Go image, the Go extension,
// port 6379 forwarded under a name, and the post-create script.
func TestDevcontainerSetsUpTheCourse(t *testing.T) {
	plain, err := StripJSONC(readRepoFile(t, ".devcontainer/devcontainer.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := DecodeJSON(plain)
	if err != nil {
		t.Fatal(err)
	}
	doc := v.(map[string]any)

	if img, _ := doc["image"].(string); img != "mcr.microsoft.com/devcontainers/go:1-1.26-bookworm" {
		t.Errorf("image = %q, want the Go 1.26 bookworm devcontainer image", img)
	}
	if err := CheckPinned(doc["image"].(string)); err != nil {
		t.Error(err)
	}
	exts := lookup(doc, "customizations", "vscode", "extensions")
	if list, _ := exts.([]any); !slices.Contains(list, any("golang.go")) {
		t.Errorf("customizations.vscode.extensions = %v, want golang.go in it", exts)
	}
	if ports, _ := doc["forwardPorts"].([]any); !slices.ContainsFunc(ports, func(p any) bool {
		return fmt.Sprint(p) == "6379"
	}) {
		t.Errorf("forwardPorts = %v, want 6379", doc["forwardPorts"])
	}
	if label := lookup(doc, "portsAttributes", "6379", "label"); label != "gocache" {
		t.Errorf(`portsAttributes["6379"].label = %v, want "gocache"`, label)
	}
	cmd, _ := doc["postCreateCommand"].(string)
	if cmd != "bash .devcontainer/post-create.sh" {
		t.Errorf("postCreateCommand = %q, want %q", cmd, "bash .devcontainer/post-create.sh")
	}
	if _, err := os.Stat(filepath.Join(repoRoot(t), ".devcontainer", "post-create.sh")); err != nil {
		t.Errorf("postCreateCommand runs a missing script: %v", err)
	}
}

// Each broken document must be refused with an error that names the place.
// The valid ones guard against a validator that refuses everything.
func TestDevcontainerValidator(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		wantErr string // "" means the document is valid
	}{
		{"minimal image", `{"image": "debian:12"}`, ""},
		{"comments and trailing commas", `{
			// the image
			"image": "debian:12", /* pinned */
			"forwardPorts": [6379, "db:5432",],
		}`, ""},
		{"everything this repo uses and more", `{
			"name": "x", "image": "debian:12",
			"features": {"ghcr.io/devcontainers/features/node:1": {"version": "20"}},
			"customizations": {"vscode": {"extensions": ["golang.go"], "settings": {"a.b": 1}},
				"jetbrains": {"backend": "GoLand"}},
			"forwardPorts": [6379], "portsAttributes": {"6379": {"label": "db", "onAutoForward": "silent"},
				"40000-55000": {"onAutoForward": "ignore"}},
			"otherPortsAttributes": {"onAutoForward": "ignore"},
			"postCreateCommand": ["bash", "x.sh"], "postStartCommand": {"a": "x", "b": ["y", "z"]},
			"remoteUser": "vscode", "containerEnv": {"A": "1"}, "remoteEnv": {"B": null},
			"runArgs": ["--cap-add=SYS_PTRACE"], "shutdownAction": "stopContainer",
			"mounts": ["source=v,target=/v,type=volume", {"type": "bind", "source": "/a", "target": "/b"}],
			"hostRequirements": {"cpus": 2, "memory": "4gb", "gpu": "optional"},
			"onCreateCommand": "true", "updateContentCommand": "true"
		}`, ""},
		{"dockerfile build", `{"build": {"dockerfile": "Dockerfile", "args": {"V": "1"}}}`, ""},

		{"misspelt top-level key", `{"image": "x:1", "forwardPort": [6379]}`,
			`forwardPort: unknown property (did you mean "forwardPorts"?)`},
		{"wrong case of a key", `{"image": "x:1", "postcreateCommand": "x"}`,
			`postcreateCommand: unknown property (did you mean "postCreateCommand"?)`},
		{"misspelt nested key", `{"image": "x:1", "customizations": {"vscode": {"extension": ["golang.go"]}}}`,
			`customizations.vscode.extension: unknown property (did you mean "extensions"?)`},
		{"misspelt port attribute", `{"image": "x:1", "portsAttributes": {"6379": {"lable": "db"}}}`,
			`portsAttributes.6379.lable: unknown property (did you mean "label"?)`},
		{"command is a number", `{"image": "x:1", "postCreateCommand": 42}`,
			`postCreateCommand: got integer, want string or array or object`},
		{"command array of numbers", `{"image": "x:1", "postStartCommand": ["a", 1]}`,
			`postStartCommand[1]: got integer, want string`},
		{"extensions is a string", `{"image": "x:1", "customizations": {"vscode": {"extensions": "golang.go"}}}`,
			`customizations.vscode.extensions: got string, want array`},
		{"port is a boolean", `{"image": "x:1", "forwardPorts": [true]}`,
			`forwardPorts[0]: got boolean, want integer or string`},
		{"port out of range", `{"image": "x:1", "forwardPorts": [70000]}`,
			`forwardPorts[0]: 70000 is above 65535`},
		{"port is a fraction", `{"image": "x:1", "forwardPorts": [63.79]}`,
			`forwardPorts[0]: got number, want integer or string`},
		{"port string without host", `{"image": "x:1", "forwardPorts": ["6379"]}`,
			`forwardPorts[0]: "6379" does not match`},
		{"env value not a string", `{"image": "x:1", "containerEnv": {"A": 1}}`,
			`containerEnv.A: got integer, want string`},
		{"remoteUser is an object", `{"image": "x:1", "remoteUser": {}}`,
			`remoteUser: got object, want string`},
		{"unknown enum value", `{"image": "x:1", "otherPortsAttributes": {"onAutoForward": "openBrowserOnce"}}`,
			`otherPortsAttributes.onAutoForward: openBrowserOnce is not one of`},
		{"memory without unit syntax", `{"image": "x:1", "hostRequirements": {"memory": "8 GB"}}`,
			`hostRequirements.memory: "8 GB" does not match`},
		{"zero cpus", `{"image": "x:1", "hostRequirements": {"cpus": 0}}`,
			`hostRequirements.cpus: 0 is below 1`},
		{"mount object without target", `{"image": "x:1", "mounts": [{"type": "bind", "source": "/a"}]}`,
			`mounts[0]: missing required property "target"`},
		{"no container source", `{"name": "x"}`,
			`needs one of "image", "build" or "dockerComposeFile"`},
		{"two container sources", `{"image": "x:1", "dockerComposeFile": "c.yml"}`,
			`"image" and "dockerComposeFile" cannot be used together`},
		{"compose action on an image", `{"image": "x:1", "shutdownAction": "stopCompose"}`,
			`shutdownAction: "stopCompose" does not fit`},
		{"build without dockerfile", `{"build": {"context": ".."}}`,
			`build: missing required property "dockerfile"`},
		{"top level is an array", `[]`, `(top level): got array, want object`},
		{"unterminated comment", `{"image": "x:1" /*`, `unterminated /* comment`},
		{"two documents", `{"image": "x:1"} {}`, `data after the top-level value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := ValidateDevcontainer([]byte(tt.doc))
			if tt.wantErr == "" {
				for _, err := range errs {
					t.Errorf("valid document refused: %v", err)
				}
				return
			}
			var msgs []string
			for _, err := range errs {
				msgs = append(msgs, err.Error())
				if strings.Contains(err.Error(), tt.wantErr) {
					return
				}
			}
			t.Errorf("errors %q, want one containing %q", msgs, tt.wantErr)
		})
	}
}

func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
