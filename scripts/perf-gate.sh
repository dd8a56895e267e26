#!/usr/bin/env bash
# Issue 15's regression gate: instructions, not seconds. Counts the
# instructions of importing and computing a generated 100,000-row workbook
# (`bench probe compute`) under valgrind's callgrind, which gives the same
# count for the same binary and input whatever else the machine is doing,
# and compares them with the committed baseline (.ci/perf-baseline): more
# than 15 % above fails; more than 15 % below asks for the baseline to be
# lowered, so a gain is kept. 15 %, not less: memchr, zlib-rs and glibc's
# string functions pick their code by the CPU's features (AVX2, AVX-512)
# at run time, so the same binary counts a few per cent differently on
# another processor; a real regression (a rescan per term, a copy per
# row) costs far more.
#
#   scripts/perf-gate.sh            check (the dev-profile binary cargo test built)
#   scripts/perf-gate.sh --update   write the baseline from this run
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
bin="$target/debug/sla-ledger"
baseline_file=.ci/perf-baseline
rows=100000
tolerance=15

command -v valgrind >/dev/null || { echo "perf gate: valgrind is not installed" >&2; exit 1; }
[ -x "$bin" ] || cargo build --locked --bin sla-ledger

work=$(mktemp -d /tmp/sla-perf-XXXXXX)
trap 'rm -rf "$work"' EXIT
"$bin" bench inputs --rows "$rows" --out "$work" >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
  "$bin" bench probe compute "$work/outages-$rows.xlsx" "$work/terms-1.toml" \
  >/dev/null 2>"$work/valgrind.log" || { cat "$work/valgrind.log" >&2; exit 1; }
count=$(awk '/^(summary|totals):/ { print $2; exit }' "$work/cg.out")
[ -n "$count" ] || { echo "perf gate: no instruction count in callgrind's output" >&2; exit 1; }

if [ "${1:-}" = "--update" ]; then
  printf '%s\n' "$count" > "$baseline_file"
  echo "perf gate: baseline set to $count instructions"
  exit 0
fi
base=$(cat "$baseline_file")
pct=$(( (count - base) * 100 / base ))
echo "perf gate: importing and computing a $rows-row workbook took $count instructions; baseline $base ($pct %)"
if [ "$pct" -gt "$tolerance" ]; then
  echo "perf gate: more than $tolerance % above the baseline: find the regression, or explain it and run scripts/perf-gate.sh --update" >&2
  exit 1
fi
if [ "$pct" -lt "-$tolerance" ]; then
  echo "perf gate: more than $tolerance % below the baseline: keep the gain with scripts/perf-gate.sh --update" >&2
fi
