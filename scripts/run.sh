#!/usr/bin/env bash
# Builds Luring and runs a short demo with the `luring` CLI: two civil servants work
# offline on the same nota dinas and task, then exchange a bundle file and end identical.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
cargo build --release --locked -p luring-cli
exec ./scripts/demo.sh ./target/release/luring
