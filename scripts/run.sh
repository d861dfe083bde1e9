#!/usr/bin/env bash
# Builds Luring and runs a short demo: two civil servants work offline on the same nota
# dinas and task, exchange a bundle file and end identical; then they log in to a demo
# agency server and sync.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
cargo build --release --locked -p luring-cli -p luring-server
exec ./scripts/demo.sh ./target/release/luring ./target/release/luring-server
