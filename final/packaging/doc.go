// Package packaging checks the files that ship gocache rather than run it:
// the devcontainer definition and its setup script, the Dockerfile with the
// build script and configuration under final/docker, the diagram renderer,
// and the code the tutorials quote. Its tests build the release binaries the
// way the image does and run them the way a container would, since CI has no
// Docker engine to build the image itself.
package packaging
