#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ (address sanitizer on) and runs each for a bounded time.
#
#   scripts/fuzz.sh [seconds per target] [target ...]     default: 60 s, every target
#   FUZZ_CONFIGURATION=release scripts/fuzz.sh 3600      optimized build, for long runs
#   FUZZ_RUNS=10000000 scripts/fuzz.sh 3600 snapshot     stop a target at 10^7 executions (or the time)
#
# Each corpus lives in Fuzz/corpus/<target>/ (kept between runs, not in git) and is seeded from the
# encoders on every run. A crash stops that target and leaves its input in Fuzz/crashes/<target>/;
# the script exits non-zero if any target crashed. docs/HARDENING.md records the long runs.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"

seconds="${1:-60}"
[ "$#" -gt 0 ] && shift
all=(lobbyFrames clientMessage serverMessage realtimeOpen inputMessage snapshot impairmentSpec networkFile)
[ "$#" -gt 0 ] && targets=("$@") || targets=("${all[@]}")

flags=(-c "${FUZZ_CONFIGURATION:-debug}" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
if [ "${#targets[@]}" = "${#all[@]}" ]; then
    # Every target: one build of the whole package (one plan, one link step per target).
    swift build "${flags[@]}"
else
    for target in "${targets[@]}"; do
        swift build "${flags[@]}" --product "fuzz-$target"
    done
fi
bin="$(swift build "${flags[@]}" --show-bin-path)"

failed=()
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    crashes="crashes/$target"
    log="crashes/$target.log"
    mkdir -p "$corpus" "$crashes"
    echo "== fuzz-$target for ${seconds}s (corpus $corpus, log $log)"
    NETCODE_FUZZ_SEEDS="$corpus" "$bin/fuzz-$target" "$corpus" \
        -max_total_time="$seconds" -runs="${FUZZ_RUNS:--1}" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$crashes/" -rss_limit_mb=2048 >"$log" 2>&1 &
    pid=$!
    # A live line every 5 s: libFuzzer's own status lines come only at powers of two.
    while kill -0 "$pid" 2>/dev/null; do
        sleep 5
        line="$(grep -E '^#[0-9]+' "$log" | tail -n 1 | cut -c1-110 || true)"
        [ -n "$line" ] && echo "   fuzz-$target: $line"
    done
    if wait "$pid"; then status=0; else status=$?; fi
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" | sed "s/^/   /" || true
    if [ "$status" != "0" ]; then
        grep -E '==[0-9]+==|SUMMARY|Fatal error|FuzzInvariant|Test unit written|artifact' "$log" | head -20 || true
        failed+=("$target")
    fi
done
if [ "${#failed[@]}" -gt 0 ]; then
    echo "crashed: ${failed[*]} (inputs in Fuzz/crashes/)" >&2
    exit 1
fi
echo "no crash in ${targets[*]}"
