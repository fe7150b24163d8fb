#!/usr/bin/env bash
# Prints the environment that gives Node + Dawn (npm `webgpu`) a Vulkan driver without a GPU.
# Prefers Mesa 25 lavapipe (5-10x faster than SwiftShader, has shader-f16), unpacked into .mesa25 from
# Debian bookworm-backports without touching the system; falls back to Chromium's SwiftShader.
# Usage: eval "$(bash scripts/ensure-vulkan.sh)"
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD/.mesa25
lib=$root/root/usr/lib/x86_64-linux-gnu
if [ ! -f "$root/lvp25_icd.json" ] && [ "$(id -u)" = 0 ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
  bash scripts/get-lavapipe.sh "$root" > /dev/null 2>&1 || rm -rf "$root"
fi
if [ -f "$root/lvp25_icd.json" ] && [ -f "$lib/libvulkan_lvp.so" ]; then
  echo "export VK_ICD_FILENAMES=$root/lvp25_icd.json LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
elif [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  echo "export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json"
fi
# One lavapipe thread: on these 2-core machines more threads only fight the test runner (measured 4-6x faster).
echo "export NODEVICE_SELECT=1 LP_NUM_THREADS=${LP_NUM_THREADS:-1}"
