#!/usr/bin/env bash
# Soak: a real `netcode server` with the `soak` network (1000 ms ± 100 ms each way, 25% loss, 25%
# duplicates, applied in process to its UDP traffic) and a swarm of bots for a fixed time. Prints a
# live line every second (server RSS, open descriptors, the swarm's own line) and checks at the end:
#   - no crash: the server is still up, stops on SIGTERM with exit 0, and the bots exit 0;
#   - a flat RSS: the least-squares slope of RSS over the run's second half is under --max-slope MB/min
#     (runs of 120 s or more);
#   - every finished match is in the database: one row per match the bots saw end.
#
#   scripts/soak.sh [--bots 200] [--seconds 600] [--netcode PATH] [--out DIR] [--max-slope 1.0]
#
# docs/HARDENING.md has the figures of the 10-minute run.
set -euo pipefail
cd "$(dirname "$0")/.."

bots=200
seconds=600
netcode=".build/debug/netcode"
out=""
max_slope="1.0"
match_seconds=60
while [ "$#" -gt 0 ]; do
    case "$1" in
        --bots) bots="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --netcode) netcode="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --max-slope) max_slope="$2"; shift 2 ;;
        --match-seconds) match_seconds="$2"; shift 2 ;;
        *) echo "unknown argument $1 (see the comment at the top of $0)" >&2; exit 2 ;;
    esac
done
[ -x "$netcode" ] || { echo "no netcode executable at $netcode (swift build, or --netcode PATH)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed to check the database (apt-get install sqlite3)" >&2; exit 2; }
[ -n "$out" ] || out="$(mktemp -d "${TMPDIR:-/tmp}/netcode-soak-XXXXXX")"
mkdir -p "$out"
db="$out/soak.sqlite"
rm -f "$db" "$db-wal" "$db-shm"

server_pid=""
bots_pid=""
cleanup() {
    [ -n "$bots_pid" ] && kill "$bots_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

"$netcode" server --host 127.0.0.1 --tcp-port 0 --udp-port 0 --db "$db" --network soak \
    --match-duration "$match_seconds" --password-iterations 1000 --log-level info >"$out/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 600); do
    port="$(grep 'lobby listening' "$out/server.log" | grep -o 'address=127.0.0.1:[0-9]*' | grep -o '[0-9]*$' | head -n 1 || true)"
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "the server exited at start:" >&2; cat "$out/server.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$port" ] || { echo "the server never said it was listening" >&2; exit 1; }
echo "soak: server pid $server_pid on 127.0.0.1:$port (network soak), $bots bots for ${seconds}s, output in $out"

# The bots stop queueing after the run's time; matches under way finish. Ramp 20 bots a second.
"$netcode" bots --host 127.0.0.1 --tcp-port "$port" --local-host 127.0.0.1 --count "$bots" --room-size 4 \
    --ramp 20 --duration "${seconds}s" --json "$out/report.json" >"$out/bots.out" 2>"$out/bots.err" &
bots_pid=$!

samples="$out/samples.tsv"
printf 'second\trss_kb\tfds\n' >"$samples"
start=$(date +%s)
while kill -0 "$bots_pid" 2>/dev/null; do
    sleep 1
    kill -0 "$server_pid" 2>/dev/null || { echo "soak: the server died" >&2; break; }
    now=$(( $(date +%s) - start ))
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
    fds=$(ls "/proc/$server_pid/fd" 2>/dev/null | wc -l)
    printf '%s\t%s\t%s\n' "$now" "$rss" "$fds" >>"$samples"
    swarm="$(tail -c 400 "$out/bots.err" 2>/dev/null | tr '\r' '\n' | grep -v '^$' | tail -n 1 | cut -c1-120 || true)"
    printf 'soak %4ss  server rss %6.1f MB  fds %5s | %s\n' "$now" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')" "$fds" "$swarm"
done

failed=0
if wait "$bots_pid"; then bots_status=0; else bots_status=$?; fi
bots_pid=""
server_alive=1
kill -0 "$server_pid" 2>/dev/null || server_alive=0
if [ "$server_alive" = 1 ]; then
    kill -TERM "$server_pid"
    if wait "$server_pid"; then server_status=0; else server_status=$?; fi
else
    if wait "$server_pid"; then server_status=0; else server_status=$?; fi
fi
server_pid=""

# RSS slope over the second half (after the ramp and the first matches), MB per minute.
read -r slope mean <<<"$(awk -F'\t' -v seconds="$seconds" 'NR > 1 && $1 >= seconds / 2 && $2 > 0 {
        n++; x = $1 / 60; y = $2 / 1024; sx += x; sy += y; sxx += x * x; sxy += x * y }
    END { if (n < 2 || (n * sxx - sx * sx) == 0) { print "0 0" } else { printf "%.3f %.1f\n", (n * sxy - sx * sy) / (n * sxx - sx * sx), sy / n } }' "$samples")"
peak_fds=$(awk -F'\t' 'NR > 1 && $3 > m { m = $3 } END { print m + 0 }' "$samples")
last_fds=$(awk -F'\t' 'NR > 1 { v = $3 } END { print v + 0 }' "$samples")
peak_rss=$(awk -F'\t' 'NR > 1 && $2 > m { m = $2 } END { printf "%.1f", m / 1024 }' "$samples")

report_matches=$(grep -o '"matches" : [0-9]*' "$out/report.json" 2>/dev/null | grep -o '[0-9]*$' || echo "")
player_matches=$(grep -o '"player_matches" : [0-9]*' "$out/report.json" 2>/dev/null | grep -o '[0-9]*$' || echo "")
stored=$(sqlite3 "$db" "SELECT count(*) FROM matches;" 2>/dev/null || echo "")
# What the server says it did with each finished match: stored (then announced with standings), not
# recorded because every player had gone (announced without standings, by design), or given up.
acknowledged=$(grep -c 'match result stored' "$out/server.log" || true)
unrecorded=$(grep -c 'match ended with every player gone; not recorded' "$out/server.log" || true)
given_up=$(grep -c 'could not be stored and is given up' "$out/server.log" || true)

echo "soak: bots exit $bots_status, server $( [ "$server_alive" = 1 ] && echo "alive at the end, exit $server_status on SIGTERM" || echo "DIED (status $server_status)" )"
echo "soak: server RSS peak ${peak_rss} MB, mean ${mean} MB over the second half, slope ${slope} MB/min (limit ${max_slope}); descriptors peak ${peak_fds}, at the end ${last_fds}"
echo "soak: matches the bots saw end: ${report_matches:-none} (${player_matches:-0} player-matches); rows in the database: ${stored:-unreadable}"
echo "soak: the server stored ${acknowledged} results, left ${unrecorded} matches every player had left unrecorded, gave up ${given_up}"
tail -n 30 "$out/bots.out" | sed 's/^/  bots: /'

if [ "$server_alive" != 1 ] || [ "$server_status" != 0 ]; then echo "FAIL: the server crashed or did not stop cleanly (log: $out/server.log)"; failed=1; fi
if [ "$bots_status" != 0 ]; then echo "FAIL: the bots exited $bots_status (log: $out/bots.err)"; failed=1; fi
# A slope needs a run long enough to leave the start-up behind; a short run (the test suite's) skips it.
if [ "$seconds" -lt 120 ]; then echo "soak: RSS slope not judged (a run under 120 s is mostly start-up)"
elif awk -v s="$slope" -v m="$max_slope" 'BEGIN { exit !(s > m) }'; then echo "FAIL: RSS grows ${slope} MB/min"; failed=1; fi
if [ -z "$report_matches" ] || [ "$report_matches" = 0 ]; then echo "FAIL: the bots finished no match"; failed=1
elif [ "$stored" != "$acknowledged" ]; then echo "FAIL: the server stored $acknowledged results but $stored are in the database"; failed=1
elif [ "$given_up" != 0 ]; then echo "FAIL: $given_up match results could not be stored (log: $out/server.log)"; failed=1
elif [ "$report_matches" -gt $((acknowledged + unrecorded)) ]; then
    echo "FAIL: the bots saw $report_matches matches end, the server accounts for $((acknowledged + unrecorded))"; failed=1
fi
[ "$failed" = 0 ] && echo "soak: PASSED" || echo "soak: FAILED"
exit "$failed"
