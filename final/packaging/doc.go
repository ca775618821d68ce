// Package packaging checks the files that ship gocache rather than run it:
// the devcontainer definition, the Dockerfile and its build script, and the
// scripts that set up a machine. Its tests build the release binaries the way
// the image does and run them the way a container would, since CI has no
// Docker engine to build the image itself.
package packaging
