#!/usr/bin/env bash
# The desktop end-to-end tests: the real app in a virtual X display (Xvfb, 1366x768),
# driven through tauri-driver + WebKitWebDriver, against a real server and CLI. Screenshots
# land in docs/screenshots/ (or $LURING_SCREENSHOTS). Extra arguments go to the test binary
# (e.g. a test's name).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
# The whole workspace, all targets: the same feature set as `cargo test --workspace`, so after
# scripts/test.sh's tests this builds only the app's binary instead of recompiling its
# dependencies with other features.
cargo build --locked --workspace --all-targets
# One app at a time: two WebKit windows on two cores make each other's waits flaky.
exec xvfb-run -a -s "-screen 0 1366x768x24" \
  cargo test --locked --workspace --features luring-desktop-e2e/desktop-e2e --test desktop -- --test-threads=1 "$@"
