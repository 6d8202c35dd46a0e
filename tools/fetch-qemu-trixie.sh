#!/usr/bin/env bash
# Make a Debian trixie chroot holding QEMU 11.x from trixie-backports, beside the system's 7.2.
#
# Why a chroot: trixie-backports' QEMU links against trixie's C library, which bookworm lacks,
# so its binaries cannot run unpacked beside 7.2 the way tools/fetch-newer-qemu.sh runs 10.0.
# tools/qemu/binaries.ts runs it with `chroot DIR qemu-system-aarch64 …`; the folders the tests
# use (samples, temporary dirs) are bind-mounted at the same path inside, so `exec:cat FILE`
# and `-qmp unix:PATH` mean the same file on both sides.
#
# Idempotent: does nothing when DIR/usr/bin/qemu-system-aarch64 already reports 11.x or later.
# Usage: tools/fetch-qemu-trixie.sh [--force]        (root; about 2-3 min on a fresh machine)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.cache/qemu-trixie"

runs() {
  [ -x "$DEST/usr/bin/qemu-system-aarch64" ] || return 1
  local v
  v="$(chroot "$DEST" qemu-system-aarch64 --version 2>/dev/null | head -1)" || return 1
  [[ "$v" =~ version\ (1[1-9]|[2-9][0-9])\. ]]
}

if [ "${1:-}" != "--force" ] && runs; then
  echo "QEMU from trixie already present: $(chroot "$DEST" qemu-system-aarch64 --version | head -1)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "tools/fetch-qemu-trixie.sh needs root (debootstrap and chroot)" >&2
  exit 1
fi
command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap

# The machine's own Debian mirror.
# shellcheck source=tools/debian-mirror.sh
. "$ROOT/tools/debian-mirror.sh"
URI="$(debian_mirror)"

rm -rf "$DEST"
mkdir -p "$DEST"
debootstrap --variant=minbase trixie "$DEST" "$URI"
echo "deb $URI trixie-backports main" > "$DEST/etc/apt/sources.list.d/backports.list"
# /proc is needed by apt's maintainer scripts; it is unmounted again whatever happens.
mount -t proc proc "$DEST/proc"
trap 'umount "$DEST/proc" 2>/dev/null || true' EXIT
chroot "$DEST" apt-get update -qq
chroot "$DEST" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -t trixie-backports qemu-system-arm qemu-system-x86 qemu-efi-aarch64
chroot "$DEST" apt-get clean

if ! runs; then
  echo "QEMU in $DEST does not run:" >&2
  chroot "$DEST" qemu-system-aarch64 --version >&2 || true
  exit 1
fi
echo "QEMU from trixie ready: $(chroot "$DEST" qemu-system-aarch64 --version | head -1)"
