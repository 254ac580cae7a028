#!/usr/bin/env bash
# What the CORS middleware costs, in CPU instructions per request, counted by
# valgrind's callgrind. Instruction counts repeat almost exactly from run to
# run, whatever else the machine does, so the ratio is trustworthy where
# req/s on a shared 2-core machine is not (see docs/performance.md).
#
# Two measures of GET /cors/results with an allowed Origin, each with the
# shipped policy and with the middleware off (`--no-cors`):
#   1. the whole server: the release binary under callgrind, driven over
#      HTTPS (keep-alive, certificate verified) by curl; counted are the
#      requests alone, in steady state (see server() below). This is
#      what throughput pays, except the kernel's share (sockets), which
#      callgrind does not see and which is the same for both: the true
#      share is a little lower than this one.
#   2. the API router in process (no socket, no TLS, no HTTP parsing): the
#      middleware's cost against the least there is around it.
#
# Usage: bench/instructions.sh [requests]   (default 2000)
# Requires valgrind and curl (apt-get install valgrind curl).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
for tool in valgrind curl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (apt-get install valgrind curl)" >&2; exit 1; }
done
cargo build --release --quiet --bin f1-race-results && cargo build --release --quiet -p f1-bench --example router_instructions
work=$(mktemp -d)
# F1_KEEP_PROFILES=1 keeps the callgrind files (printed path) for callgrind_annotate.
if [ -n "${F1_KEEP_PROFILES:-}" ]; then
  echo "profiles kept in $work"
  trap 'kill -TERM $(jobs -p) 2>/dev/null || true' EXIT
else
  trap 'kill -TERM $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
fi

# Certificates made once, outside valgrind, so that every run below starts
# the same way (making a key costs a different number of instructions each
# time).
make_certs() {
  local out="$work/certs.out" pid i
  target/release/f1-race-results --page-port 0 --api-port 0 --certs-dir "$work/certs" --data-dir "$work/data" \
    >"$out" 2>/dev/null &
  pid=$!
  for i in $(seq 100); do grep -q '^API origin:' "$out" 2>/dev/null && break; sleep 0.1; done
  kill -TERM "$pid"
  wait "$pid" || true
}

# Total instructions of one whole run of the server under callgrind: start,
# $2 requests on one keep-alive connection, SIGTERM. $1 = "" or --no-cors.
# One tokio worker, so that no work-stealing varies between runs.
run_server() {
  local dir
  dir=$(mktemp -d "$work/run.XXXX")
  cp -r "$work/certs" "$dir/certs"
  TOKIO_WORKER_THREADS=1 GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mxfast=0 valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
    target/release/f1-race-results --page-port 0 --api-port 0 --lap-seconds 3600 --seed 2014 \
    --certs-dir "$dir/certs" --data-dir "$dir/data" $1 >"$dir/stdout" 2>"$dir/stderr" &
  local pid=$! i page api
  for i in $(seq 600); do
    grep -q '^API origin:' "$dir/stdout" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "error: the server did not start:" >&2; cat "$dir/stderr" >&2; exit 1; }
    sleep 0.2
  done
  page=$(sed -n 's/^page origin: //p' "$dir/stdout")
  api=$(sed -n 's/^API origin: //p' "$dir/stdout")
  [ -n "$api" ] || { echo "error: no ready line within 120 s" >&2; exit 1; }
  # The URL glob makes $2 requests, all on one connection.
  curl --silent --show-error --fail --cacert "$dir/certs/ca.pem" -H "Origin: $page" \
    -o /dev/null "$api/cors/results?n=[1-$2]"
  kill -TERM "$pid"
  wait "$pid" || true
  awk '/^summary:/ { print $2 }' "$dir/callgrind.out"
}

# Instructions per request of the whole server, in steady state: runs that
# differ only by the last n - n/10 requests, after 2,200 that fill the
# exchange record (from then on each request also drops the oldest record,
# as in a class that runs for hours). The difference holds those requests
# alone: no startup, no handshake, no shutdown.
#
# Runs are not exactly alike: how a request's bytes arrive varies with
# timing, and glibc's allocator then takes different paths (heap
# consolidations of up to a few million instructions). That only ever
# adds work, so each count is the least of three runs.
server() {
  local small=$((n / 10)) few many
  few=$(least "$1" $((2200 + small)))
  many=$(least "$1" $((2200 + n)))
  echo $(((many - few) / (n - small)))
}

least() {
  local i
  for i in 1 2 3; do run_server "$1" "$2"; done | sort -n | head -1
}

# Instructions per request in process: (count(n) - count(n/10)) / (n - n/10),
# which cancels startup.
in_process() {
  local small=$((n / 10)) big little out="$work/inproc.out"
  count() {
    GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mxfast=0 valgrind --tool=callgrind \
      --callgrind-out-file="$out" target/release/examples/router_instructions "$1" "$2" >/dev/null 2>&1
    awk '/^summary:/ { print $2 }' "$out"
  }
  big=$(count "$1" "$n")
  little=$(count "$1" "$small")
  echo $(((big - little) / (n - small)))
}

# The server's CPU time in user space, as a share of user + system, over
# 20,000 requests on one connection, natively (not under valgrind): what
# callgrind does not count is the rest.
user_share() {
  local dir="$work/native" pid i page api before after
  mkdir -p "$dir"
  target/release/f1-race-results --page-port 0 --api-port 0 --lap-seconds 3600 --seed 2014 \
    --certs-dir "$work/certs" --data-dir "$dir/data" >"$dir/stdout" 2>/dev/null &
  pid=$!
  for i in $(seq 100); do grep -q '^API origin:' "$dir/stdout" 2>/dev/null && break; sleep 0.1; done
  page=$(sed -n 's/^page origin: //p' "$dir/stdout")
  api=$(sed -n 's/^API origin: //p' "$dir/stdout")
  before=$(awk '{ print $14, $15 }' "/proc/$pid/stat")
  curl --silent --show-error --fail --cacert "$work/certs/ca.pem" -H "Origin: $page" \
    -o /dev/null "$api/cors/results?n=[1-20000]"
  after=$(awk '{ print $14, $15 }' "/proc/$pid/stat")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$before $after" | awk '{ u = $3 - $1; k = $4 - $2; printf "%.3f\n", u / (u + k) }'
}

report() {
  awk -v a="$2" -v b="$3" -v what="$1" 'BEGIN {
    printf "%-44s %9d %9d   %+.1f %% (ratio %.3fx)\n", what, a, b, (a - b) * 100 / b, a / b }'
}

echo "instructions per GET /cors/results with an allowed Origin ($n requests)"
printf "%-44s %9s %9s   %s\n" "" "CORS on" "--no-cors" "what the middleware adds"
make_certs
whole_on=$(server "")
whole_off=$(server --no-cors)
in_on=$(in_process cors)
in_off=$(in_process no-cors)
in_bare=$(in_process bare)
share=$(user_share)
report "whole server, HTTPS keep-alive (user space)" "$whole_on" "$whole_off"
report "API router in process (no I/O, no TLS)" "$in_on" "$in_off"
# `--no-cors` keeps the layer mounted, switched off (the lab can switch it
# back on). Without it at all, a request saves what the switched-off layer
# costs, which is the same in process and in the server.
whole_bare=$((whole_off - (in_off - in_bare)))
awk -v on="$whole_on" -v off="$whole_off" -v bare="$whole_bare" -v in_off="$in_off" -v in_bare="$in_bare" \
  -v share="$share" 'BEGIN {
  printf "\nthe switched-off layer (--no-cors) costs %d instructions in process; with no layer at all,\n", in_off - in_bare
  printf "the whole server would count about %d, and the middleware adds %+.1f %% to that\n", bare, (on - bare) * 100 / bare
  printf "\nthe server spends %.0f %% of its CPU time in user space (20,000 requests natively, the rest is\n", share * 100
  printf "the kernel, which callgrind does not count); as a share of CPU time, the middleware is about\n"
  printf "  %.1f %% against --no-cors, %.1f %% against no layer at all\n", (on - off) * 100 / off * share, (on - bare) * 100 / bare * share
}'
