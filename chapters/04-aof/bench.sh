#!/usr/bin/env bash
# SET throughput of this chapter's server and of redis-server 7 with the
# same AOF settings, run alternately, printed as requests/s and ratios.
#   ./chapters/04-aof/bench.sh            (from the repository root)
set -euo pipefail
ROUNDS=${ROUNDS:-2}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/gocache04" ./chapters/04-aof

wait_ping() { for _ in $(seq 200); do redis-cli -p "$1" ping >/dev/null 2>&1 && return; sleep 0.05; done; echo "no PING on $1" >&2; exit 1; }

# run <server> <policy> <pipeline>: start a fresh server, benchmark, stop it.
run() {
  local dir="$work/$1-$2-$3" port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') n=200000
  [ "$3" = 16 ] && n=1000000
  rm -rf "$dir"; mkdir -p "$dir"
  if [ "$1" = gocache ]; then
    "$work/gocache04" --port $port --dir "$dir" --appendonly yes --appendfsync "$2" 2>/dev/null &
  else
    redis-server --port $port --dir "$dir" --save '' --appendonly yes --aof-use-rdb-preamble no --appendfsync "$2" --logfile "$dir/log" &
  fi
  local pid=$!
  wait_ping $port
  redis-benchmark -p $port -t set -c 50 -P "$3" -n $n -q 2>/dev/null | tr '\r' '\n' | awk '/requests per second/ {print $2}'
  kill $pid; wait $pid 2>/dev/null || true
}

printf '%-9s %-3s %12s %12s %7s\n' policy P gocache redis ratio
for policy in always everysec no; do
  for p in 1 16; do
    g=0; r=0
    for _ in $(seq "$ROUNDS"); do
      g=$(echo "$g + $(run gocache $policy $p)" | bc)
      r=$(echo "$r + $(run redis $policy $p)" | bc)
    done
    printf '%-9s %-3s %12.0f %12.0f %7.2f\n' $policy $p "$(echo "$g / $ROUNDS" | bc -l)" "$(echo "$r / $ROUNDS" | bc -l)" "$(echo "$g / $r" | bc -l)"
  done
done
