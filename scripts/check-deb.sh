#!/usr/bin/env bash
# Builds the Debian package with the Tauri bundler, installs it on this
# machine as a user would (apt resolves its dependencies), and starts the
# installed binary under Xvfb to check that the first screen appears.
#
# The package is built with the dev profile: the same binary the tests just
# built, bundled in a minute instead of a release build's many. A release
# package for users is `npx tauri build --bundles deb` (docs/installers.md).
set -euo pipefail
cd "$(dirname "$0")/.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
ui/node_modules/.bin/tauri build --debug --bundles deb --ci
deb=$(ls -t "$target"/debug/bundle/deb/*.deb | head -n1)
echo "built $deb"

if [ "$(id -u)" -ne 0 ]; then
  echo "not root: installing needs root; skipping the install check" >&2
  exit 0
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null
dpkg -s sla-ledger | grep -E '^(Package|Version|Status):'
bin=$(dpkg -L sla-ledger | grep -E '^/usr/bin/' | head -n1)
echo "installed $bin"

SLA_LEDGER_INSTALLED_APP="$bin" timeout 300 xvfb-run -a -s "-screen 0 1400x900x24" \
  node --test ui/install-check/
