#!/usr/bin/env bash
# Builds the desktop UI (ui/dist, which the app embeds) from ui/package-lock.json.
# It installs only when the lockfile changed since the last install, so a rebuild needs no
# network. `npm install --no-save` rather than `npm ci`: the registry reached here serves
# rollup's native packages for Linux only, so the lockfile lacks the other platforms'
# optional packages and `npm ci` refuses it as "out of sync"; `npm install` keeps every
# version and integrity hash the lockfile pins and skips the missing optional ones.
set -euo pipefail
cd "$(dirname "$0")/../ui"
stamp=node_modules/.luring-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm install --no-save --no-audit --no-fund --loglevel=error
  # A new file renamed over the old one, never a rewrite in place: a node_modules copied
  # with hard links (one per git worktree) must not see another copy's stamp.
  echo "$want" >"$stamp.new" && mv "$stamp.new" "$stamp"
fi
npm run --silent build
