#!/usr/bin/env bash
# Every test of Luring, as CI runs it: formatting, lints, unit, property, crash and
# end-to-end tests, and a smoke run of the benchmark (its numbers are not judged here;
# see docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

export CARGO_TERM_COLOR=never

step() { printf '\n== %s ==\n' "$*"; }

step "desktop UI (typecheck and build; the app embeds ui/dist)"
./scripts/build-ui.sh

step "desktop UI unit tests (vitest)"
(cd ui && npm test --silent)

step "format"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --features luring-desktop-e2e/desktop-e2e --locked -- -D warnings

step "benchmark smoke run (small sizes; real figures: cargo build --release, docs/BENCHMARKS.md)"
cargo run -q --locked -p luring-bench -- local --tasks 2000 --documents 50 --samples 50 --json
cargo run -q --locked -p luring-bench -- link --profile 3g --held 10 --tasks 50 --documents 5 --json
cargo run -q --locked -p luring-bench -- saves --requests 0,50 --samples 20

step "tests"
cargo test --workspace --locked

step "desktop end-to-end (the real window under Xvfb, through WebDriver)"
./scripts/test-desktop.sh
