#!/usr/bin/env bash
# Add Debian trixie's libvirt (11.x) to the trixie chroot that tools/fetch-qemu-trixie.sh made,
# beside its QEMU 11.x: libvirt 11 writes the save formats bookworm's 9.0 cannot (zstd, and
# "sparse", QEMU's mapped-ram). tools/libvirt/trixie-daemons.ts runs it.
#
# What this adds to the chroot, and why nothing else changes for the QEMU already there:
# - libvirt-daemon-system, libvirt-daemon-driver-qemu, libvirt-clients and zstd (the program
#   libvirt 11 runs for that format), from trixie (QEMU stays the backports build: libvirt only
#   needs some qemu-system, which is installed).
# - /usr/sbin/policy-rc.d refusing every service start: the packages' maintainer scripts would
#   otherwise try to start libvirtd and virtlogd at install time.
# - /usr/local/sbin/libvirtd-trixie and virtlogd-trixie, links to the daemons: a process takes
#   its name from the path it was started by, so `pgrep -x libvirtd` on the host (what
#   tools/libvirt/daemons.ts uses for the system's libvirt 9.0) never finds, nor stops, these.
# apt runs in a private mount namespace holding /proc: the mount vanishes with it, even on failure.
#
# Idempotent: does nothing when the chroot's virsh already reports 11.x or later.
# Usage: tools/fetch-libvirt-trixie.sh        (root, after tools/fetch-qemu-trixie.sh; ~1 min)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${VMSTATE_TRIXIE_QEMU_DIR:-$ROOT/.cache/qemu-trixie}"

ready() {
  [ -x "$DEST/usr/bin/virsh" ] && [ -x "$DEST/usr/bin/zstd" ] || return 1
  [ -L "$DEST/usr/local/sbin/libvirtd-trixie" ] && [ -L "$DEST/usr/local/sbin/virtlogd-trixie" ] || return 1
  local v
  v="$(chroot "$DEST" virsh --version 2>/dev/null)" || return 1
  [[ "$v" =~ ^(1[1-9]|[2-9][0-9])\. ]]
}

if ready; then
  echo "libvirt from trixie already present: $(chroot "$DEST" virsh --version)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "tools/fetch-libvirt-trixie.sh needs root (chroot)" >&2
  exit 1
fi
if [ ! -x "$DEST/usr/bin/qemu-system-aarch64" ]; then
  echo "no trixie chroot at $DEST: run tools/fetch-qemu-trixie.sh first" >&2
  exit 1
fi

printf '#!/bin/sh\n# Added by tools/fetch-libvirt-trixie.sh: no service starts inside this chroot.\nexit 101\n' \
  > "$DEST/usr/sbin/policy-rc.d"
chmod 755 "$DEST/usr/sbin/policy-rc.d"
unshare --mount --propagation private sh -c '
  set -e
  mount -t proc proc "$1/proc"
  chroot "$1" apt-get update -qq
  chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients zstd
  chroot "$1" apt-get clean
' sh "$DEST"
ln -sfn /usr/sbin/libvirtd "$DEST/usr/local/sbin/libvirtd-trixie"
ln -sfn /usr/sbin/virtlogd "$DEST/usr/local/sbin/virtlogd-trixie"

if ! ready; then
  echo "libvirt in $DEST is not ready:" >&2
  chroot "$DEST" virsh --version >&2 || true
  exit 1
fi
echo "libvirt from trixie ready: $(chroot "$DEST" virsh --version), QEMU $(chroot "$DEST" qemu-system-aarch64 --version | head -1)"
