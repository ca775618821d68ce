#!/bin/sh
# Entry point of the container image. It picks what to run from the first
# argument, as the official Redis image does:
#   (none) or --option ...      gocache-server /etc/gocache.conf --option ...
#   some.conf [--option ...]    gocache-server some.conf --option ...
#   anything else               run it as a command (gocache-cli, sh, ...)
# The server replaces this shell (exec), so it is PID 1 and gets SIGTERM from
# `docker stop` directly.
set -eu

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
	set -- gocache-server /etc/gocache.conf "$@"
elif [ "${1%.conf}" != "$1" ]; then
	set -- gocache-server "$@"
fi
exec "$@"
