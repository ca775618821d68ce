#!/bin/sh
# Builds the two release binaries as static executables:
#   OUT/gocache-server  from ./final
#   OUT/gocache-cli     from ./client
# The Dockerfile runs this script, so the build flags live here and nowhere
# else. CGO_ENABLED=0 gives a binary with no dynamic loader and no libc, which
# runs on any Linux image; -trimpath drops local paths; -s -w drops the symbol
# table and DWARF data (panics still print file:line).
#
# Usage: final/docker/build-static.sh [OUT]    (OUT defaults to bin/)
set -eu

out=${1:-bin}
case $out in
/*) ;;
*) out=$PWD/$out ;;
esac
cd "$(dirname "$0")/../.."
mkdir -p "$out"

build() {
	CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$out/$1" "$2"
}

build gocache-server ./final
build gocache-cli ./client
