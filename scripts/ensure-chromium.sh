#!/usr/bin/env bash
# Debian's Chromium runs the browser tests (WebGPU through SwiftShader) and brings a Vulkan ICD for Dawn.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "Chromium is missing: run 'apt-get install -y chromium' as root." >&2; exit 1; fi
echo "Installing Debian chromium ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
