#!/usr/bin/env bash
# Every test: engine, importer, library and exports (cargo test, no webview),
# the UI's unit tests (Vitest, IPC mocked), then the real desktop app end to
# end under Xvfb through tauri-driver and WebKitWebDriver.
set -euo pipefail
cd "$(dirname "$0")"

cargo test --locked

# Issue 18: the whole suite again with every library it makes encrypted
# (SQLCipher database, sealed documents), as a data room's machine would
# run with SLA_LEDGER_ENCRYPT_NEW=1. Same binaries, so only the run costs.
SLA_LEDGER_ENCRYPT_NEW=1 SLA_LEDGER_PASSPHRASE="the test suite's passphrase" cargo test --locked

# Issue 15's regression gate: instructions (callgrind) of importing and
# computing a generated 100,000-row workbook, against .ci/perf-baseline;
# counts, not seconds, so it does not flake on a busy machine.
scripts/perf-gate.sh

# The library's tests again with PostgreSQL (issue 17): a throwaway cluster
# in a temporary folder on a free port, stopped and deleted afterwards.
# Without the server binaries the PostgreSQL half is skipped (and says so).
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  pgdir=$(mktemp -d /tmp/sla-pg-XXXXXX)
  trap 'scripts/pg-test-cluster.sh stop "$pgdir"' EXIT
  SLA_LEDGER_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$pgdir")
  export SLA_LEDGER_TEST_PG_URL
  cargo test --locked --test integration -- issue17 issue18_team
  scripts/pg-test-cluster.sh stop "$pgdir"
  trap - EXIT
  unset SLA_LEDGER_TEST_PG_URL
else
  echo "PostgreSQL server binaries not found: the team library tests ran on SQLite only" >&2
fi

# The UI is built before the app: Tauri embeds ui/dist in the binary.
(cd ui && npm ci --no-audit --no-fund && npx vitest run && npm run build)
cargo build --locked -p sla-ledger-app

# Bounded: a stuck WebDriver session must not eat the CI budget.
timeout 900 xvfb-run -a -s "-screen 0 1400x900x24" node --test --test-concurrency=1 ui/e2e/

# The installer: build the .deb, install it on this machine, start the
# installed app and check its first screen (scripts/check-deb.sh).
scripts/check-deb.sh

# The AppImage: built offline (linuxdeploy from a pinned PyPI wheel,
# scripts/appimage-tools.sh), then started under Xvfb as a user would start
# the downloaded file, without installing anything; same first-screen check
# (scripts/check-appimage.sh).
scripts/check-appimage.sh
