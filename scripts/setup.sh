#!/usr/bin/env bash
# Installs what building and testing Luring needs on Debian 12, idempotently: only what is
# missing is installed, so a second run does nothing and needs no network.
set -euo pipefail

# The desktop app (Tauri 2) needs WebKitGTK and friends; its tests need Xvfb and
# WebKitWebDriver, and xdotool to drive the system's save dialog (GTK's, outside the web
# view WebDriver sees). (../shared/notes/desktop-ci.md has the measured list.)
need_pkgs=(build-essential pkg-config ca-certificates libssl-dev file
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver xdotool)

missing=()
for p in "${need_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Rust: Debian 12's own rustc (1.63) is too old for our dependencies; use rustup's stable.
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
if ! command -v cargo >/dev/null 2>&1; then
  if apt-cache show rustup >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustup >/dev/null
    rustup default stable
  else
    echo "setup: Rust is not installed. Install it with rustup (https://rustup.rs):" >&2
    echo "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y" >&2
    exit 1
  fi
fi
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
if [ "${rust_minor:-0}" -lt 85 ]; then
  echo "setup: Rust $(rustc --version) is too old; Luring needs 1.85 or newer (rustup update stable)" >&2
  exit 1
fi
for c in rustfmt clippy; do
  if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
    rustup component add "$c"
  fi
done

# The UI is built with Node.js (20.19 or newer, for Vite 7) from ui/package-lock.json.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js 20 with npm is needed to build the desktop UI (https://nodejs.org)" >&2
  exit 1
fi
node_ver=$(node -p 'process.versions.node')
IFS=. read -r node_major node_minor _ <<<"$node_ver"
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
  echo "setup: Node.js $node_ver is too old to build the UI; install 20.19 or newer" >&2
  exit 1
fi

# The desktop end-to-end tests drive the app through tauri-driver 2.x (a bare
# `cargo install tauri-driver` would take a 3.0 alpha).
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver 2.x" >&2
  cargo install tauri-driver --version '^2' --locked --quiet
fi
