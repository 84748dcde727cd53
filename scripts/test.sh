#!/usr/bin/env bash
# The test suite, in two phases on one build.
#
# 1. Everything but the end-to-end timing suites, in parallel (`swift test`).
# 2. The end-to-end timing suites on their own: real servers and clients playing short matches whose
#    assertions count snapshots per tick and latency. Beside the other 400 tests (dozens of servers,
#    spawned processes, the lab) a 2-core machine starved them for half a minute at the start; alone
#    they measure the code, not the rest of the suite.
set -euo pipefail
cd "$(dirname "$0")/.."

timing='MatchEndToEndTests|SwarmTests|ShardingTests|IndependentClientTests|ReconnectionTests'
swift test --skip "$timing" "$@"
swift test --skip-build --filter "$timing" "$@"
