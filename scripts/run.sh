#!/usr/bin/env bash
# The demo: builds Luring, starts a demo agency server with seeded data (BAPPEDA's units
# and people) and opens the desktop app logged in as a staff member, Ani Lestari.
#   ./scripts/run.sh                  Ani's window (staff)
#   ./scripts/run.sh --as supervisor  Siti's window (her supervisor), to try approvals
#   ./scripts/run.sh --cli            the terminal demo (two offline colleagues, a bundle, sync)
# Without a display (no $DISPLAY or $WAYLAND_DISPLAY) it runs the terminal demo.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
[ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"

who=staff
mode=desktop
while [ $# -gt 0 ]; do
  case "$1" in
    --as) who=${2:-}; shift 2 ;;
    --cli) mode=cli; shift ;;
    *) echo "run.sh: unknown option $1 (use --as staff|supervisor, or --cli)" >&2; exit 2 ;;
  esac
done
if [ "$mode" = desktop ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run.sh: no display here; running the terminal demo instead (the window needs X11 or Wayland)" >&2
  mode=cli
fi

if [ "$mode" = cli ]; then
  cargo build --release --locked -p luring-cli -p luring-server
  exec ./scripts/demo.sh ./target/release/luring ./target/release/luring-server
fi

./scripts/build-ui.sh
cargo build --release --locked -p luring-cli -p luring-server -p luring-desktop
bin=./target/release
demo=${LURING_DEMO_DIR:-$HOME/.local/share/luring-demo}
port=${LURING_DEMO_PORT:-7878}
url="http://127.0.0.1:$port"
mkdir -p "$demo"

if [ ! -f "$demo/server/.seeded" ]; then
  "$bin/luring-server" --data "$demo/server" admin seed-demo | sed -n '1,4p'
  touch "$demo/server/.seeded"
fi
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  "$bin/luring-server" --data "$demo/server" --listen "127.0.0.1:$port" >"$demo/server.out" 2>"$demo/server.log" &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null' EXIT
  for _ in $(seq 50); do grep -q listening "$demo/server.out" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$demo/server.out" || { echo "run.sh: the demo server did not start: $(cat "$demo/server.log")" >&2; exit 1; }
fi

# Staff: Ani Lestari (Bidang Pemerintahan). Supervisor: Siti (Kepala Bidang Pemerintahan).
case "$who" in
  staff) name=ani; nip=198703122010011002; password=ani-lestari-2026 ;;
  supervisor) name=siti; nip=198211032008012004; password=kabid-pem-2026 ;;
  *) echo "run.sh: --as takes staff or supervisor" >&2; exit 2 ;;
esac
profile="$demo/$name"
if ! "$bin/luring" --profile "$profile" status --json 2>/dev/null | grep -q '"server": *"http'; then
  echo "$password" | "$bin/luring" --profile "$profile" login --server "$url" --nip "$nip" --password-stdin
  if [ "$who" = supervisor ]; then
    echo "siti-demo-2026" | "$bin/luring" --profile "$profile" key set-passphrase --passphrase-stdin
  fi
fi

cat <<INFO

  Demo agency server: $url   (data in $demo)
  This window: $name ($who), profile $profile

  To try approvals, open the supervisor's window in a second terminal:
      ./scripts/run.sh --as supervisor
  Supervisor login: NIP 198211032008012004, password kabid-pem-2026,
  signing passphrase siti-demo-2026 (set by this script for the demo).
  Staff login:      NIP 198703122010011002, password ani-lestari-2026.

INFO
"$bin/luring-desktop" --profile "$profile"
