#!/usr/bin/env bash
# What the CORS middleware costs, in CPU instructions per request: the API
# router in process (no socket, no TLS), with the shipped policy and with
# the middleware removed, each counted by valgrind's callgrind. Instruction
# counts repeat exactly from run to run, whatever else the machine does, so
# the ratio is trustworthy where req/s on a shared machine is not.
# Requires valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
cargo build --release --quiet --example router_instructions
bin=target/release/examples/router_instructions
count() {
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" "$2" >/dev/null 2>&1
  awk '/^summary:/ { print $2 }' "$out"
  rm -f "$out"
}
# Subtract a short run to cancel startup (certificates aside, the lab and
# policy are built once): per request = (count(n) - count(n/10)) / (n - n/10).
small=$((n / 10))
with_n=$(count cors "$n"); with_s=$(count cors "$small")
without_n=$(count no-cors "$n"); without_s=$(count no-cors "$small")
per_with=$(( (with_n - with_s) / (n - small) ))
per_without=$(( (without_n - without_s) / (n - small) ))
echo "instructions per request, GET /cors/results with an allowed Origin, in process:"
echo "  with the CORS middleware:    $per_with"
echo "  without (--no-cors):         $per_without"
awk -v a="$per_with" -v b="$per_without" 'BEGIN { printf "  middleware share: %.1f %% more instructions (ratio %.3fx)\n", (a - b) * 100 / b, a / b }'
