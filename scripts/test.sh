#!/usr/bin/env bash
# The test suite: one `swift test`, every suite in parallel.
#
# The end-to-end suites (real servers and clients playing matches) wait on events and compare what was
# received with what was sent, so they hold beside the rest of the suite on a busy 2-core machine
# (docs/HARDENING.md, "The suite under load").
set -euo pipefail
cd "$(dirname "$0")/.."

swift test "$@"
