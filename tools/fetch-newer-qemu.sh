#!/usr/bin/env bash
# Unpack a newer QEMU (10.x, from Debian bookworm-backports) beside the system's QEMU 7.2.
#
# Why beside and not installed: the tests need BOTH versions (7.2 and 10.x streams, and a real
# backward migration 10.x -> 7.2). `apt-get install -t bookworm-backports` would replace 7.2.
# So we point apt at a private sources list and private state/cache dirs, `apt-get download`
# the .debs, and `dpkg -x` them into .cache/qemu-newer. Nothing under /etc or /var is touched.
#
# The 10.x binary links against a few libraries that are newer than (or absent from) what
# 7.2's dependencies pulled in. We find them with ldd after unpacking, download the packages
# that provide them from the same private index (bookworm + bookworm-backports), unpack those
# too, and run the binary with LD_LIBRARY_PATH pointing into the unpack dir (see
# tools/qemu/binaries.ts, which does the same).
#
# Idempotent: if .cache/qemu-newer/usr/bin/qemu-system-aarch64 already runs, it does nothing.
# Usage: tools/fetch-newer-qemu.sh [--force]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.cache/qemu-newer"
APTDIR="$ROOT/.cache/apt-newer"
BIN="$DEST/usr/bin/qemu-system-aarch64"

# Library search path for the unpacked binary: every lib dir the unpacked packages may use.
libpath() {
  local arch
  arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")"
  echo "$DEST/usr/lib/$arch:$DEST/lib/$arch:$DEST/usr/lib/$arch/qemu:$DEST/usr/lib"
}

# True when the unpacked binary starts and really is newer than 7.x (8.0 or later).
runs() {
  local v
  [ -x "$BIN" ] || return 1
  v="$(LD_LIBRARY_PATH="$(libpath)" "$BIN" --version 2>/dev/null)" || return 1
  [[ "$v" =~ version\ ([89]|[1-9][0-9])\. ]]
}

if [ "${1:-}" != "--force" ] && runs; then
  echo "newer QEMU already present: $(LD_LIBRARY_PATH="$(libpath)" "$BIN" --version | head -1)"
  exit 0
fi

# The machine's own Debian mirror.
# shellcheck source=tools/debian-mirror.sh
. "$ROOT/tools/debian-mirror.sh"
URI="$(debian_mirror)"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

rm -rf "$DEST"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/debs" "$DEST"
# bookworm is listed too so that library dependencies which backports does not carry resolve.
cat >"$APTDIR/sources.list" <<EOF
deb [signed-by=$KEYRING] $URI bookworm main
deb [signed-by=$KEYRING] $URI bookworm-backports main
EOF

APT_OPTS=(
  -o "Dir::Etc::SourceList=$APTDIR/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$APTDIR/lists"
  -o "Dir::Cache=$APTDIR/cache"
  -o "Dir::Cache::archives=$APTDIR/cache/archives"
  -o "Dir::Etc::Preferences=/dev/null"
  -o "Dir::Etc::PreferencesParts=/dev/null"
  -o "APT::Get::List-Cleanup=0"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)

echo "updating private apt index ($URI bookworm, bookworm-backports)"
apt-get "${APT_OPTS[@]}" update -qq

# Backports has pin priority 100 (NotAutomatic), so apt's "candidate" would be the installed
# 7.2. We take the highest version any of our two suites offers (madison lists newest first).
download() {
  local pkg="$1" ver
  ver="$(apt-cache "${APT_OPTS[@]}" madison "$pkg" | awk -F'|' '$3 ~ /Packages/ {gsub(/ /, "", $2); print $2; exit}')"
  if [ -z "$ver" ]; then
    echo "no candidate for $pkg" >&2
    return 1
  fi
  (cd "$APTDIR/debs" && apt-get "${APT_OPTS[@]}" download -qq "$pkg=$ver")
  echo "downloaded $pkg $ver"
}

unpack_all() {
  for deb in "$APTDIR"/debs/*.deb; do
    dpkg -x "$deb" "$DEST"
  done
}

rm -f "$APTDIR"/debs/*.deb
for pkg in qemu-system-arm qemu-system-common qemu-system-data; do
  download "$pkg"
done
unpack_all

# Resolve missing shared libraries: ldd on the unpacked binary (with what we unpacked so far on
# the path), map each "not found" soname to the package that ships it, fetch, unpack, repeat.
for round in 1 2 3 4 5; do
  missing="$(LD_LIBRARY_PATH="$(libpath)" ldd "$BIN" 2>/dev/null | awk '/not found/ {print $1}' | sort -u)"
  # Also catch symbol-version errors (a system lib that is too old), which ldd does not list.
  if [ -z "$missing" ]; then
    err="$(LD_LIBRARY_PATH="$(libpath)" "$BIN" --version 2>&1 >/dev/null || true)"
    # e.g. "qemu-system-aarch64: /lib/x86_64-linux-gnu/libm.so.6: version `GLIBC_2.38' not found"
    missing="$(printf '%s\n' "$err" | sed -n 's#^.*: /[^ :]*/\(lib[^/ :]*\.so[^ :]*\): version .*not found.*#\1#p' | sort -u)"
  fi
  [ -z "$missing" ] && break
  echo "round $round: missing libraries: $(echo $missing)"
  for soname in $missing; do
    # Debian library packages are named after the soname (libfoo.so.3 -> libfoo3, libfoo-1.2.so.0
    # -> libfoo-1.2-0); search both the names and the package contents listing we do not have,
    # so fall back to a name search on the soname stem.
    stem="${soname%%.so*}"
    num="${soname##*.so.}"; num="${num%%.*}"
    cands=()
    if [[ "$stem" =~ [0-9]$ ]]; then cands+=("${stem}-${num}"); else cands+=("${stem}${num}"); fi
    cands+=("${stem}" "${stem}t64" "${cands[0]}t64")
    got=""
    for c in "${cands[@]}"; do
      if apt-cache "${APT_OPTS[@]}" show "$c" >/dev/null 2>&1; then
        download "$c" && got="$c" && break
      fi
    done
    if [ -z "$got" ]; then
      echo "cannot find a package for $soname (tried ${cands[*]})" >&2
      exit 1
    fi
  done
  unpack_all
done

if ! runs; then
  echo "unpacked QEMU does not run:" >&2
  LD_LIBRARY_PATH="$(libpath)" "$BIN" --version >&2 || true
  exit 1
fi
echo "newer QEMU ready: $(LD_LIBRARY_PATH="$(libpath)" "$BIN" --version | head -1)"
echo "binary: $BIN   firmware dir: $DEST/usr/share/qemu"
