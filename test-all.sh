#!/usr/bin/env bash
# Every test: engine, importer, library and exports (cargo test, no webview),
# the UI's unit tests (Vitest, IPC mocked), then the real desktop app end to
# end under Xvfb through tauri-driver and WebKitWebDriver.
set -euo pipefail
cd "$(dirname "$0")"

cargo test --locked

# The UI is built before the app: Tauri embeds ui/dist in the binary.
(cd ui && npm ci --no-audit --no-fund && npx vitest run && npm run build)
cargo build --locked -p sla-ledger-app

# Bounded: a stuck WebDriver session must not eat the CI budget.
timeout 900 xvfb-run -a -s "-screen 0 1400x900x24" node --test ui/e2e/

# The installer: build the .deb, install it on this machine, start the
# installed app and check its first screen (scripts/check-deb.sh).
scripts/check-deb.sh
