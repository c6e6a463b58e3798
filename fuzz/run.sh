#!/usr/bin/env bash
# Runs fuzz targets one after another, each for SECONDS, on one core; fails on any finding.
#
#   bash fuzz/run.sh 60                      # every target, one minute each
#   bash fuzz/run.sh 3600 open_signed        # one target for an hour
#   FUZZ_JOBS=2 bash fuzz/run.sh 36000       # ten hours each, two processes per target
#   FUZZ_SEED=1 bash fuzz/run.sh 40          # what CI runs (reproducible on a fresh clone)
#
# Needs the nightly toolchain (or falls back to stable with RUSTC_BOOTSTRAP=1) and cargo-fuzz (`cargo install cargo-fuzz --locked --version
# 0.13.1`). Seeds come from the fixtures (fuzz/seeds.py); the corpus grows in
# fuzz/corpus/<target>/ across runs; a crash is saved in fuzz/artifacts/<target>/ and printed
# with the command that reproduces it. The last line per target: executions and seconds.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
jobs="${FUZZ_JOBS:-1}"
# cargo-fuzz needs nightly flags: the nightly toolchain when the machine has one, else the
# stable toolchain with RUSTC_BOOTSTRAP=1 (the same flags, accepted).
if grep -q '^nightly' <<<"$(rustup toolchain list 2>/dev/null)"; then
    fuzz=(cargo +nightly fuzz)
else
    echo "note: no nightly toolchain; using the stable one with RUSTC_BOOTSTRAP=1"
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
fi

python3 seeds.py >/dev/null
"${fuzz[@]}" build -a >/dev/null
mkdir -p logs
status=0
for t in "${targets[@]}"; do
    log="logs/$t.log"
    mkdir -p "corpus/$t"
    echo "== fuzz $t for ${secs}s (jobs=$jobs)"
    args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
    # FUZZ_SEED fixes libFuzzer's random seed: on the same seeds corpus the run then tries the
    # same inputs in the same order, so a CI failure replays anywhere (CI sets it; long runs
    # leave it unset for a fresh exploration each time).
    if [ -n "${FUZZ_SEED:-}" ]; then
        args+=(-seed="$FUZZ_SEED")
    fi
    if [ "$jobs" -gt 1 ]; then
        args+=(-jobs="$jobs" -workers="$jobs")
    fi
    if "${fuzz[@]}" run -a "$t" "corpus/$t" -- "${args[@]}" >"$log" 2>&1; then
        runs=$(cat "$log" fuzz-*.log 2>/dev/null | grep -o 'stat::number_of_executed_units: *[0-9]*' \
            | awk '{s += $2} END {print s + 0}' || true)
        echo "ok $t: $runs executions in ${secs}s"
    else
        status=1
        echo "FINDING in $t (log: fuzz/$log)"
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written|cargo fuzz run' "$log" | head -20 || true
    fi
    rm -f fuzz-*.log
done
exit "$status"
