#!/usr/bin/env bash
# Packs, into .device-kit/ (git-ignored), what a lent GPU machine lacks to run `scripts/device/gpu-check.sh`:
# it has PyTorch + CUDA but no Node, no Vulkan loader and none of our ignored files. About 45 MB, within the
# 64 MiB that travels with a device run (the tracked tree is ~12 MB):
#   node.xz            this machine's Node binary (glibc only; the bench and the solve CLI run on it)
#   node_modules.txz   tsx + esbuild (TypeScript in Node), yaml, and npm `webgpu`'s Linux Dawn build, nothing else
#   libvulkan1_*.deb   the Vulkan loader that Dawn opens; the NVIDIA driver brings its own ICD
#   data.txz           data/sudoku, so the CUDA training run trains on the same data as the shipped weights
# Then, with the device tool: carry [".device-kit"], command "bash scripts/device/gpu-check.sh engine" (or
# "train MINUTES", or "all MINUTES"). Takes about 3 minutes here (xz on one core, niced).
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=.device-kit
[ -d node_modules/webgpu/dist/linux-x64 ] || { echo "run npm install first" >&2; exit 1; }
[ -f data/sudoku/train/dataset.json ] || { echo "data/sudoku is missing: build it (docs/training.md §1)" >&2; exit 1; }
rm -rf "$kit.tmp" && mkdir -p "$kit.tmp"
z() { nice -n 19 xz -T1 -6; }
z < "$(readlink -f "$(command -v node)")" > "$kit.tmp/node.xz"
tar -C node_modules -cf - tsx esbuild @esbuild/linux-x64 debug ms yaml \
  webgpu/package.json webgpu/index.js webgpu/dist/linux-x64 | z > "$kit.tmp/node_modules.txz"
tar -cf - data/sudoku | z > "$kit.tmp/data.txz"
(cd "$kit.tmp" && apt-get download libvulkan1 > /dev/null 2>&1) || { echo "apt-get download libvulkan1 failed" >&2; exit 1; }
rm -rf "$kit" && mv "$kit.tmp" "$kit"
du -sh "$kit"/* "$kit"
