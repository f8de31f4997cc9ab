#!/usr/bin/env bash
# A longer run of tests/kills.rs: kill -9 during an import, a file of access-list changes, a
# backup and a restore, many times each (default 300 per kind, about 40 minutes on a 2-core PC).
# Usage:
#   bash tests/soak-kills.sh [KILLS_PER_KIND]
set -euo pipefail
cd "$(dirname "$0")/.."
KEYHOLDER_KILLS="${1:-300}" cargo test --release --test kills -- --nocapture --test-threads 1
