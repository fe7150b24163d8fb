#!/usr/bin/env bash
# Debian packages the tests need: chromium (browser tests, WebGPU on SwiftShader) and libvulkan1 (the Vulkan loader
# that Dawn in Node opens).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 ' || missing+=(libvulkan1)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "Missing Debian packages: ${missing[*]} — run 'apt-get install -y ${missing[*]}' as root." >&2; exit 1; fi
echo "Installing Debian packages: ${missing[*]} ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
