package packaging

import (
	"errors"
	"fmt"
	"regexp"
)

// ValidateDevcontainer checks a devcontainer.json document (JSON with
// comments) against the properties of the Dev Container specification's
// devContainer.base.schema.json, plus the "vscode" entry of customizations.
// An unknown property anywhere the specification closes an object is an
// error, so a misspelt key cannot be silently ignored by the editor.
func ValidateDevcontainer(src []byte) []error {
	plain, err := StripJSONC(src)
	if err != nil {
		return []error{err}
	}
	doc, err := DecodeJSON(plain)
	if err != nil {
		return []error{fmt.Errorf("not valid JSON after removing comments: %w", err)}
	}
	errs := devcontainerSchema().Validate("", doc)
	if obj, ok := doc.(map[string]any); ok {
		errs = append(errs, checkContainerSource(obj)...)
	}
	return errs
}

// checkContainerSource enforces the specification's top-level oneOf: a dev
// container comes from exactly one of an image, a Dockerfile or a Compose
// file, and shutdownAction's values depend on which.
func checkContainerSource(obj map[string]any) []error {
	var sources []string
	for _, k := range []string{"image", "build", "dockerFile", "dockerComposeFile"} {
		if _, ok := obj[k]; ok {
			sources = append(sources, k)
		}
	}
	if len(sources) == 2 && sources[0] == "build" && sources[1] == "dockerFile" {
		sources = sources[1:] // legacy form: "dockerFile" with "build" options
	}
	var errs []error
	switch len(sources) {
	case 0:
		errs = append(errs, errors.New(`(top level): needs one of "image", "build" or "dockerComposeFile"`))
	case 1:
	default:
		errs = append(errs, fmt.Errorf("(top level): %q and %q cannot be used together", sources[0], sources[1]))
	}
	compose := len(sources) == 1 && sources[0] == "dockerComposeFile"
	if a, ok := obj["shutdownAction"].(string); ok {
		if (a == "stopCompose" && !compose) || (a == "stopContainer" && compose) {
			errs = append(errs, fmt.Errorf("shutdownAction: %q does not fit this kind of dev container", a))
		}
	}
	if b, ok := obj["build"].(map[string]any); ok && len(sources) == 1 && sources[0] == "build" {
		if _, ok := b["dockerfile"]; !ok {
			errs = append(errs, errors.New(`build: missing required property "dockerfile"`))
		}
	}
	return errs
}

// devcontainerSchema is devContainer.base.schema.json written out by hand:
// the union of the properties of its "devContainerCommon", "nonComposeBase",
// "dockerfileContainer", "imageContainer" and "composeContainer" definitions.
// Descriptions are left out; types, enums and patterns follow the schema.
func devcontainerSchema() *Schema {
	str := &Schema{Types: []Kind{String}}
	boolean := &Schema{Types: []Kind{Boolean}}
	strList := &Schema{Types: []Kind{Array}, Items: str}
	strMap := &Schema{Types: []Kind{Object}, Extra: str}
	strOrStrings := &Schema{Types: []Kind{String, Array}, Items: str}
	size := &Schema{Types: []Kind{String}, Pattern: regexp.MustCompile(`^\d+([tgmk]b)?$`)}
	atLeastOne := &Schema{Types: []Kind{Integer}, Min: ptr(1)}

	// A lifecycle command: a shell string, an argv array, or named commands
	// run in parallel.
	command := &Schema{
		Types: []Kind{String, Array, Object},
		Items: str,
		Extra: strOrStrings,
	}
	portAttrs := func(onAutoForward ...any) *Schema {
		return &Schema{Types: []Kind{Object}, Props: map[string]*Schema{
			"onAutoForward":    {Types: []Kind{String}, Enum: onAutoForward},
			"elevateIfNeeded":  boolean,
			"label":            str,
			"requireLocalPort": boolean,
			"protocol":         {Types: []Kind{String}, Enum: []any{"http", "https"}},
		}}
	}
	mount := &Schema{AnyOf: []*Schema{
		{Types: []Kind{Object}, Required: []string{"type", "target"}, Props: map[string]*Schema{
			"type":   {Types: []Kind{String}, Enum: []any{"bind", "volume"}},
			"source": str,
			"target": str,
		}},
		str,
	}}
	buildOptions := &Schema{Types: []Kind{Object}, Props: map[string]*Schema{
		"dockerfile": str,
		"context":    str,
		"target":     str,
		"args":       strMap,
		"cacheFrom":  strOrStrings,
	}}
	vscode := &Schema{Types: []Kind{Object}, Props: map[string]*Schema{
		"extensions": strList,
		"settings":   {Types: []Kind{Object}, Extra: Any},
		"devPort":    {Types: []Kind{Integer}},
		"mcp":        {Types: []Kind{Object}, Extra: Any},
	}}

	return &Schema{Types: []Kind{Object}, Props: map[string]*Schema{
		// devContainerCommon
		"$schema": str,
		"name":    str,
		"features": {Types: []Kind{Object}, Extra: &Schema{
			Types: []Kind{Object, String, Boolean},
			Extra: Any,
		}},
		"overrideFeatureInstallOrder": strList,
		"secrets": {
			Types:      []Kind{Object},
			KeyPattern: regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`),
			Extra: &Schema{Types: []Kind{Object}, Props: map[string]*Schema{
				"description":      str,
				"documentationUrl": str,
			}},
		},
		"forwardPorts": {Types: []Kind{Array}, Items: &Schema{AnyOf: []*Schema{
			{Types: []Kind{Integer}, Min: ptr(0), Max: ptr(65535)},
			{Types: []Kind{String}, Pattern: regexp.MustCompile(`^([a-z0-9-]+):(\d{1,5})$`)},
		}}},
		"portsAttributes": {
			Types:      []Kind{Object},
			KeyPattern: regexp.MustCompile(`(^\d+(-\d+)?$)|(.+)`),
			Extra:      portAttrs("notify", "openBrowser", "openBrowserOnce", "openPreview", "silent", "ignore"),
		},
		"otherPortsAttributes": portAttrs("notify", "openBrowser", "openPreview", "silent", "ignore"),
		"updateRemoteUserUID":  boolean,
		"containerEnv":         strMap,
		"containerUser":        str,
		"mounts":               {Types: []Kind{Array}, Items: mount},
		"init":                 boolean,
		"privileged":           boolean,
		"capAdd":               strList,
		"securityOpt":          strList,
		"remoteEnv":            {Types: []Kind{Object}, Extra: &Schema{Types: []Kind{String, Null}}},
		"remoteUser":           str,
		"initializeCommand":    command,
		"onCreateCommand":      command,
		"updateContentCommand": command,
		"postCreateCommand":    command,
		"postStartCommand":     command,
		"postAttachCommand":    command,
		"waitFor": {Types: []Kind{String}, Enum: []any{
			"initializeCommand", "onCreateCommand", "updateContentCommand",
			"postCreateCommand", "postStartCommand",
		}},
		"userEnvProbe": {Types: []Kind{String}, Enum: []any{
			"none", "loginShell", "loginInteractiveShell", "interactiveShell",
		}},
		"hostRequirements": {Types: []Kind{Object}, Props: map[string]*Schema{
			"cpus":    atLeastOne,
			"memory":  size,
			"storage": size,
			"gpu": {AnyOf: []*Schema{
				{Types: []Kind{Boolean, String}, Enum: []any{true, false, "optional"}},
				{Types: []Kind{Object}, Props: map[string]*Schema{
					"cores":  atLeastOne,
					"memory": size,
				}},
			}},
		}},
		"customizations": {Types: []Kind{Object}, Props: map[string]*Schema{
			"vscode": vscode,
		}, Extra: &Schema{Types: []Kind{Object}, Extra: Any}},

		// nonComposeBase
		"appPort":         {Types: []Kind{Integer, String, Array}, Items: &Schema{Types: []Kind{Integer, String}}},
		"runArgs":         strList,
		"shutdownAction":  {Types: []Kind{String}, Enum: []any{"none", "stopContainer", "stopCompose"}},
		"overrideCommand": boolean,
		"workspaceFolder": str,
		"workspaceMount":  str,

		// imageContainer, dockerfileContainer
		"image":      str,
		"build":      buildOptions,
		"dockerFile": str,
		"context":    str,

		// composeContainer
		"dockerComposeFile": strOrStrings,
		"service":           str,
		"runServices":       strList,
	}}
}

func ptr(n int64) *int64 { return &n }
