#!/usr/bin/env bash
# Prepares a machine for working on gocache: Debian's redis-server and
# redis-tools (Redis 7.0 on bookworm, the reference the tests compare against),
# redis-sentinel and nutcracker (twemproxy: the failover and sharding engines
# gocache runs under), netcat-openbsd (nc, which chapter 01's first command uses) and the Go
# modules. The devcontainer runs it once after the container is
# created; it works the same on any Debian or Ubuntu machine, as root or as a
# user with sudo, and running it again changes nothing.
set -euo pipefail

cd "$(dirname "$0")/.."

# Root (CI, a plain container) runs apt-get directly; anyone else needs sudo.
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

# has finds a program on PATH or in /usr/sbin, where Debian puts nutcracker
# (a user's PATH often lacks it).
has() { command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ]; }

# install_packages installs the packages unless their programs are already
# there, so a second run costs no apt-get update.
install_packages() {
	if has redis-server && has redis-cli && has redis-sentinel && has nutcracker && has nc; then
		echo "redis: $(redis-server --version | cut -d' ' -f1-3); sentinel, nutcracker and nc are there"
		return
	fi
	if ! command -v apt-get >/dev/null; then
		echo "post-create: no apt-get here; install redis-server, redis-cli, redis-sentinel 7, nutcracker and nc yourself" >&2
		return 1
	fi
	# The packages would start a system redis-server on port 6379, the port
	# the final server uses (and a sentinel on 26379, a nutcracker on 22121). A policy-rc.d that says "no" (exit 101) stops
	# maintainer scripts from starting services; it is removed afterwards and
	# an existing one is left alone.
	local policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
		$sudo chmod 755 "$policy"
		trap "$sudo rm -f $policy" EXIT
	fi
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		redis-server redis-tools redis-sentinel nutcracker netcat-openbsd >/dev/null
	echo "redis: $(redis-server --version | cut -d' ' -f1-3); sentinel, nutcracker and nc installed"
}

install_packages

if command -v go >/dev/null; then
	go mod download
	echo "go: $(go version | cut -d' ' -f3) and the modules in go.mod"
else
	echo "post-create: go is not on PATH; install Go 1.26 (see go.mod)" >&2
	exit 1
fi
