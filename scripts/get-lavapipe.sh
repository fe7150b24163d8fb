#!/bin/bash
# Fetches Mesa 25 lavapipe (mesa-vulkan-drivers from bookworm-backports) into a folder WITHOUT changing the
# system's apt sources or installed packages: a private apt source list + state dir, `apt-get download`,
# `dpkg-deb -x`. Dawn (npm `webgpu`) accepts this lavapipe; it rejects Debian 12's own (Mesa 22.3).
# Usage: get-lavapipe.sh [TARGET_DIR]   (default: ./.mesa25 in the current folder; this script's own folder may be read-only)
# Then: VK_ICD_FILENAMES=TARGET/lvp25_icd.json LD_LIBRARY_PATH=TARGET/root/usr/lib/x86_64-linux-gnu node ...
set -euo pipefail
D=$(realpath -m "${1:-$PWD/.mesa25}")
rm -rf "$D"; mkdir -p "$D/apt/lists/partial" "$D/apt/parts" "$D/debs"
# Same mirror as the system's main Debian source, suite bookworm-backports (host taken from the system config).
sed -n '1,/^$/p' /etc/apt/sources.list.d/debian.sources | sed 's/^Suites: .*/Suites: bookworm-backports/' > "$D/apt/parts/bp.sources"
O=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$D/apt/parts" -o Dir::State::Lists="$D/apt/lists")
apt-get "${O[@]}" update -qq
(cd "$D/debs" && apt-get "${O[@]}" download -qq mesa-vulkan-drivers/bookworm-backports libdrm2/bookworm-backports libdrm-amdgpu1/bookworm-backports 2>&1 | grep -v 'unsandboxed' || true)
for f in "$D"/debs/*.deb; do dpkg-deb -x "$f" "$D/root"; done
L="$D/root/usr/lib/x86_64-linux-gnu"
printf '{"file_format_version":"1.0.1","ICD":{"api_version":"1.4.305","library_path":"%s/libvulkan_lvp.so"}}\n' "$L" > "$D/lvp25_icd.json"
rm -rf "$D/apt"   # private apt state no longer needed
ls "$D"/debs
echo "export VK_ICD_FILENAMES=$D/lvp25_icd.json LD_LIBRARY_PATH=$L"
