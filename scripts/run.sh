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
    --as) who=${2:-}; shift; [ $# -gt 0 ] && shift ;;
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
ani_nip=198703122010011002; ani_pw=ani-lestari-2026
siti_nip=198211032008012004; siti_pw=kabid-pem-2026; siti_pass=siti-demo-2026
ani="$demo/ani"; siti="$demo/siti"
L() { "$bin/luring" "$@"; }
id_of() { sed -n 's/.*"id": *"\([^"]*\)".*/\1/p'; }
logged_in() { L --profile "$1" status --json 2>/dev/null | grep -q '"server": *"http'; }

logged_in "$siti" || {
  echo "$siti_pw" | L --profile "$siti" login --server "$url" --nip "$siti_nip" --password-stdin
  echo "$siti_pass" | L --profile "$siti" key set-passphrase --passphrase-stdin
}
logged_in "$ani" || echo "$ani_pw" | L --profile "$ani" login --server "$url" --nip "$ani_nip" --password-stdin

# A day's work to look at, made once through the real CLI and synced through the server:
# tasks Siti gave Ani (one overdue, one due today), Ani's draft and a nota dinas she has
# sent to Siti for approval.
if [ ! -f "$demo/.work-seeded" ]; then
  day() { date -d "$1" +%F; }
  L --profile "$siti" task add "Rekap usulan Musrenbang kecamatan" --due "$(day yesterday)" --assignee "$ani_nip" >/dev/null
  L --profile "$siti" task add "Siapkan bahan rapat koordinasi RPJMD" --due "$(day today)" --assignee "$ani_nip" >/dev/null
  t=$(L --profile "$siti" task add "Verifikasi data desa tertinggal (SDGs Desa)" --due "$(day '+3 days')" --assignee "$ani_nip" --json | id_of)
  L --profile "$siti" task comment "$t" "Prioritaskan desa yang belum terjangkau sinyal." >/dev/null
  L --profile "$siti" sync >/dev/null
  L --profile "$ani" sync >/dev/null
  L --profile "$ani" task set "$t" --status dikerjakan >/dev/null
  printf '%s\n' "Yth. Kepala Bidang Pemerintahan," "" \
    "Bersama ini kami sampaikan rencana kunjungan lapangan ke Desa Oelnasi untuk" \
    "verifikasi usulan Musrenbang desa pada Kamis depan." "" \
    "Demikian untuk menjadi perhatian." >"$demo/nota.txt"
  d=$(L --profile "$ani" doc new --title "Nota dinas rencana kunjungan lapangan" --kind nota-dinas --body-file "$demo/nota.txt" --json | id_of)
  L --profile "$ani" approval request "$d" --chain "$siti_nip" >/dev/null
  printf '%s\n' "Laporan kegiatan WFH minggu ini:" "- Rekap data SDGs Desa: 12 dari 20 desa." >"$demo/laporan.txt"
  L --profile "$ani" doc new --title "Laporan kegiatan mingguan" --kind laporan --body-file "$demo/laporan.txt" >/dev/null
  L --profile "$ani" sync >/dev/null
  L --profile "$siti" sync >/dev/null
  touch "$demo/.work-seeded"
fi

case "$who" in
  staff) name=ani; profile=$ani ;;
  supervisor) name=siti; profile=$siti ;;
  *) echo "run.sh: --as takes staff or supervisor" >&2; exit 2 ;;
esac

cat <<INFO

  Demo agency server: $url   (data in $demo)
  This window: $name ($who), profile $profile

  To try approvals, open the supervisor's window in a second terminal:
      ./scripts/run.sh --as supervisor
  Supervisor login: NIP 198211032008012004, password kabid-pem-2026,
  signing passphrase $siti_pass (set by this script for the demo).
  Staff login:      NIP 198703122010011002, password ani-lestari-2026.

INFO
"$bin/luring-desktop" --profile "$profile"
