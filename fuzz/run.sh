#!/usr/bin/env bash
# Runs the cargo-fuzz (libFuzzer) targets, one after the other, for MINUTES
# each (wall clock; one fuzzing process, so about as many CPU-minutes), and
# prints per target: executions, exec/s, CPU seconds, final coverage and the
# crashes found. See docs/fuzzing.md.
#
#   fuzz/run.sh [MINUTES] [TARGET...]      # default: 10 minutes, every target
#
# Environment:
#   CARGO_TARGET_DIR   build dir (default $HOME/.cache/sla-ledger/fuzz-target)
#   FUZZ_NICE          niceness of the fuzzing process (default 10)
#   FUZZ_SANITIZER     cargo fuzz --sanitizer (default: address)
#   FUZZ_EXTRA         more libFuzzer flags, e.g. "-jobs=2 -workers=2"
#
# Seeds are read from fuzz/corpus/TARGET (committed, never written); what
# libFuzzer learns goes to fuzz/corpus-run/TARGET (gitignored) and is kept
# between runs. A crash stops its target (libFuzzer's default) and is saved
# in fuzz/artifacts/TARGET/; the script then goes on with the next target
# and exits 1 at the end. Logs: fuzz/logs/TARGET-<time>.log.
set -uo pipefail

ALL_TARGETS=(terms pdf_verify openslo_import csv xlsx xlsx_sheet ods xls preset_json ics backup_archive key_file)

# Longest input tried per target: above the largest seed (a signed PDF must
# stay whole: its signature is at the end), not much more.
max_len() {
    case "$1" in
        terms | openslo_import) echo 16384 ;;
        csv | ics) echo 16384 ;;
        preset_json) echo 32768 ;;
        pdf_verify) echo 131072 ;;
        backup_archive) echo 65536 ;;
        key_file) echo 2048 ;;
        xlsx | ods | xls) echo 32768 ;;
        xlsx_sheet) echo 139264 ;; # past the 64 KiB buffer: the reads line up with the event reader's
        *) echo 4096 ;;
    esac
}

minutes="${1:-10}"
if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
    echo "usage: fuzz/run.sh [MINUTES] [TARGET...]   (targets: ${ALL_TARGETS[*]})" >&2
    exit 2
fi
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${ALL_TARGETS[@]}")
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 2
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sla-ledger/fuzz-target}"
nice_level="${FUZZ_NICE:-10}"
sanitizer=()
[ -n "${FUZZ_SANITIZER:-}" ] && sanitizer=(--sanitizer "$FUZZ_SANITIZER")
mkdir -p fuzz/logs

for t in "${targets[@]}"; do
    if [ ! -f "fuzz/fuzz_targets/$t.rs" ]; then
        echo "no fuzz target \`$t\` (targets: ${ALL_TARGETS[*]})" >&2
        exit 2
    fi
done

# `terms`, `pdf_verify` and `openslo_import` build without the importer
# (feature `import`), so they never wait on it.
features() {
    case "$1" in
        terms | pdf_verify | openslo_import) echo --no-default-features ;;
        backup_archive | key_file) echo --no-default-features --features=store ;;
        *) echo --features=import ;;
    esac
}

summary=()
failed=0
for t in "${targets[@]}"; do
    # The flags as separate words (`--no-default-features --features=store`
    # is two).
    read -ra feat <<< "$(features "$t")"
    # Build first, so that the time measured below is fuzzing only. A
    # target that does not build (the crate it reads with is being edited)
    # is reported and skipped.
    if ! nice -n "$nice_level" cargo +nightly fuzz build --fuzz-dir fuzz "${sanitizer[@]}" "${feat[@]}" "$t"; then
        line=$(printf '%-10s BUILD FAILED (not run)' "$t")
        summary+=("$line")
        echo "$line"
        failed=1
        continue
    fi
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    log="fuzz/logs/$t-$stamp.log"
    times="fuzz/logs/$t-$stamp.time"
    mkdir -p "fuzz/corpus-run/$t" "fuzz/artifacts/$t"
    before=$(find "fuzz/artifacts/$t" -type f | sort)
    dict=()
    [ -f "fuzz/dict/$t.dict" ] && dict=("-dict=fuzz/dict/$t.dict")
    echo "== $t: ${seconds}s, log $log"
    /usr/bin/time -f '%U %S %e' -o "$times" \
        nice -n "$nice_level" cargo +nightly fuzz run --fuzz-dir fuzz "${sanitizer[@]}" "${feat[@]}" "$t" \
        "fuzz/corpus-run/$t" "fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -max_len="$(max_len "$t")" "${dict[@]}" -print_final_stats=1 ${FUZZ_EXTRA:-} \
        >"$log" 2>&1
    rc=$?
    after=$(find "fuzz/artifacts/$t" -type f | sort)
    new=$(comm -13 <(echo "$before") <(echo "$after") | grep -v '^$' || true)
    ncrash=$(printf '%s' "$new" | grep -c . || true)
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    if [ -z "$execs" ]; then
        # Stopped by a crash: the last status line has the count.
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    # The last line: with a non-zero exit, time writes a line before it.
    read -r user sys wall < <(tail -n 1 "$times" 2>/dev/null) || { user=0; sys=0; wall=0; }
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", u + s }')
    line=$(printf '%-10s execs %-10s exec/s %-6s cpu %5ss (%s min) wall %5.0fs  %-22s crashes %s' \
        "$t" "${execs:-?}" "${eps:-?}" "$cpu" "$(awk -v c="$cpu" 'BEGIN { printf "%.1f", c / 60 }')" \
        "$wall" "${cov:-cov: ?}" "$ncrash")
    summary+=("$line")
    echo "$line"
    if [ "$ncrash" -gt 0 ] || [ "$rc" -ne 0 ]; then
        failed=1
        echo "   exit status $rc; new artifacts:"
        printf '     %s\n' $new
        grep -m1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY" "$log" | sed 's/^/   /'
        for a in $new; do
            echo "   reproduce: cargo +nightly fuzz run --fuzz-dir fuzz $(features "$t") $t $a"
            echo "   minimise:  cargo +nightly fuzz tmin --fuzz-dir fuzz $(features "$t") $t $a"
        done
    fi
done

echo
echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit $failed
