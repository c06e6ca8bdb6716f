#!/usr/bin/env bash
# `npm run bench [-- name …]`: every benchmark in bench/ (or those named: parse, latency, quota,
# campaign), each printing its figures beside a baseline measured in the same run (never a timed
# pass/fail). Figures are kept in .host/bench/results.json (latest) and .host/bench/history.jsonl.
# Environment: SCRM_N8N_VERSION (n8n for the end-to-end benches), SCRM_BENCH_PORT (5681),
# SCRM_BENCH_LATENCY_N (200 sequential posts), SCRM_BENCH_BURST (100 posts per burst, 2 bursts),
# SCRM_BENCH_PARSE_DELIVERIES (20000), SCRM_BENCH_CAMPAIGN (10000 messages), SCRM_BENCH_QUEUE_N (600 messages
# through queue mode, offered at SCRM_BENCH_QUEUE_RATE 40/s, SCRM_BENCH_QUEUE_PORT 5741,
# SCRM_BENCH_QUEUE_HUBSPOT_TIER enterprise), SCRM_BENCH_THROUGHPUT
# (80,1000: the campaign runs once per number throughput).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$SCRM_ROOT"

echo "== build" >&2
bash scripts/ensure-built.sh
echo "== compile benchmarks (tsconfig.dev.json → .build/)" >&2
if ! npx tsc -p tsconfig.dev.json; then
  echo "bench: the benchmarks, tests or sources do not compile (see above); nothing was measured" >&2
  exit 1
fi
mkdir -p "$SCRM_HOST/bench"
# exec: Ctrl-C reaches the runner directly, which stops the n8n and servers it started.
exec node .build/bench/run.js "$@"
