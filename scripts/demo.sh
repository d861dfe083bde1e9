#!/usr/bin/env bash
# A short, real demo of the `luring` CLI (argument: path of the binary). Two civil servants
# of a regional planning agency work offline on the same nota dinas and task, swap bundle
# files (a USB stick), and end with the same document, nothing lost.
set -euo pipefail
LURING=${1:-luring}
SERVER=${2:-luring-server}
root=${LURING_DEMO_DIR:-$(mktemp -d /tmp/luring-demo.XXXXXX)}
mkdir -p "$root"
ani="$root/ani"; budi="$root/budi"
say() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
l() { echo "\$ luring $*" | sed "s|$root/||g"; "$LURING" "$@"; }

say "Ani (staf) dan Budi (staf) membuat profil lokal — tanpa jaringan"
l --profile "$ani" init --name "Ani Lestari" --nip 198703122010011002
l --profile "$budi" init --name "Budi Santoso" --nip 199001012015031001

say "Ani mencatat tugas dan menyusun nota dinas"
task=$("$LURING" --profile "$ani" task add "Siapkan kunjungan ke Desa Sukamaju" --due 2026-12-05 --assignee 198703122010011002 --json | sed -n 's/.*"id": "\(.*\)".*/\1/p')
"$LURING" --profile "$ani" task add "Rekap absensi WFH minggu ini" --due 2026-11-27 >/dev/null
cat > "$root/nota.txt" <<'TXT'
Yth. Kepala Bappeda,

Bersama ini kami sampaikan rencana kunjungan lapangan ke Desa Sukamaju
untuk verifikasi usulan Musrenbang desa.

Demikian untuk menjadi perhatian.
TXT
doc=$("$LURING" --profile "$ani" doc new --title "Nota dinas rencana kunjungan lapangan" --kind nota-dinas --body-file "$root/nota.txt" --json | sed -n 's/.*"id": "\(.*\)".*/\1/p')
l --profile "$ani" task list

say "Ani menyalin bundel ke flashdisk; Budi mengimpornya"
l --profile "$ani" bundle export --out "$root/ani-1.bundle"
l --profile "$budi" bundle import "$root/ani-1.bundle"

say "Keduanya bekerja offline pada naskah yang sama, di bagian berbeda"
sed 's/Yth. Kepala Bappeda,/Yth. Kepala Bappeda Kabupaten Sukamaju,/' "$root/nota.txt" > "$root/ani.txt"
sed 's/Demikian untuk menjadi perhatian./Demikian, atas perhatiannya kami ucapkan terima kasih./' "$root/nota.txt" > "$root/budi.txt"
l --profile "$ani" doc edit "$doc" --body-file "$root/ani.txt"
l --profile "$budi" doc edit "$doc" --body-file "$root/budi.txt"
l --profile "$ani" task set "$task" --status dikerjakan
l --profile "$budi" task comment "$task" "Surat tugas sudah saya siapkan"

say "Mereka bertukar bundel — urutan tidak penting"
"$LURING" --profile "$budi" bundle export --out "$root/budi.bundle" >/dev/null
"$LURING" --profile "$ani" bundle export --out "$root/ani-2.bundle" >/dev/null
l --profile "$ani" bundle import "$root/budi.bundle"
l --profile "$budi" bundle import "$root/ani-2.bundle"

say "Hasilnya sama persis di kedua laptop"
l --profile "$budi" doc show "$doc"
if cmp -s <("$LURING" --profile "$ani" doc show "$doc" --json) <("$LURING" --profile "$budi" doc show "$doc" --json); then
  echo "✓ doc show --json identik di profil Ani dan Budi"
else
  echo "✗ profil berbeda!" >&2; exit 1
fi
l --profile "$budi" task show "$task"

say "Pencarian teks lengkap dan status"
l --profile "$budi" doc search "musrenbang"
l --profile "$ani" status

say "File rusak ditolak tanpa mengubah apa pun"
head -c 200 "$root/budi.bundle" > "$root/rusak.bundle"
l --profile "$ani" bundle import "$root/rusak.bundle" || true

say "Server dinas (Bappeda demo) dinyalakan; Ani dan atasannya login dan sinkron"
"$SERVER" --data "$root/server" admin seed-demo | sed -n '1,4p'
"$SERVER" --data "$root/server" --listen 127.0.0.1:0 > "$root/server.out" 2> "$root/server.log" &
server_pid=$!
trap 'kill $server_pid 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q listening "$root/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$root/server.out")
echo ani-lestari-2026 | l --profile "$ani" login --server "$url" --nip 198703122010011002 --password-stdin
l --profile "$ani" sync
echo kabid-pem-2026 | l --profile "$root/siti" login --server "$url" --nip 198211032008012004 --password-stdin
l --profile "$root/siti" sync
l --profile "$root/siti" task list
echo
echo "Data demo ada di $root"
