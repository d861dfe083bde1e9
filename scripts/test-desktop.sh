#!/usr/bin/env bash
# The desktop end-to-end tests: the real app in a virtual X display (Xvfb, 1366x768),
# driven through tauri-driver + WebKitWebDriver, against a real server and CLI. Expects the
# workspace's binaries built (scripts/test.sh builds them). Screenshots land in
# docs/screenshots/ (or $LURING_SCREENSHOTS).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
cargo build --locked --bins -p luring-desktop -p luring-cli -p luring-server
# One app at a time: two WebKit windows on two cores make each other's waits flaky.
exec xvfb-run -a -s "-screen 0 1366x768x24" \
  cargo test --locked -p luring-desktop-e2e --features desktop-e2e -- --test-threads=1 "$@"
