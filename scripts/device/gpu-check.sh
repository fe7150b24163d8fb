#!/usr/bin/env bash
# What only a real GPU can measure, as one prepared command for a lent GPU machine (PyTorch + CUDA, no Node).
# Pack first here: `bash scripts/device/pack.sh`; then the device tool with carry [".device-kit"] and
#   bash scripts/device/gpu-check.sh engine       WGSL engine through Node + Dawn on the NVIDIA Vulkan driver:
#                                                 agreement with the CPU reference, `npm run bench` at full size
#                                                 (batch 1 and 8), the per-kernel profile (f32, f16 weights), the
#                                                 shipped Sudoku weights on a CSV, WebGPU against CPU (~4 min)
#   bash scripts/device/gpu-check.sh train M      the Sudoku trainer on CUDA for M minutes (bf16, compiled), then
#                                                 export and held-out evaluation (M + ~2 min)
#   bash scripts/device/gpu-check.sh all M        both, engine first
# Logs and results land in $OUT (the device tool brings back at most 8 files of ≤ 16 MB each): engine.log,
# bench-full.json, train.log, sudoku-gpu.safetensors, results.tgz (card, held-out accuracy, run.json, metrics,
# curves) and the checkpoint as ckpt.pt.part-* (at most 3 parts with the default recipe).
# TRAIN_ARGS replaces the model/recipe flags of the training run (default below: official cycles, hidden 256).
# Smoke test without a GPU (lavapipe, CPU training, tiny sizes): GPU_CHECK_LOCAL=1 bash scripts/device/gpu-check.sh all 0.5
set -uo pipefail
cd "$(dirname "$0")/../.."
phase=${1:-all}
minutes=${2:-5}
local_run=${GPU_CHECK_LOCAL:-0}
OUT=${OUT:-$PWD/.device-out}
mkdir -p "$OUT"
kit=$PWD/.device-kit
bin=/tmp/trm-device-bin
[ -f "$kit/node.xz" ] || { echo "no .device-kit: run bash scripts/device/pack.sh here and carry .device-kit" >&2; exit 2; }
if [ "$local_run" = 1 ]; then full=quick; device=cpu; python=${PYTHON:-.venv/bin/python}; else full=full; device=cuda; python=python3; fi

setup_node() {
  mkdir -p "$bin"
  [ -x "$bin/node" ] || { xz -dc "$kit/node.xz" > "$bin/node" && chmod +x "$bin/node"; }
  [ -f node_modules/tsx/dist/cli.mjs ] || { mkdir -p node_modules && xz -dc "$kit/node_modules.txz" | tar -x -C node_modules; }
  if [ "$local_run" = 1 ]; then
    eval "$(bash scripts/ensure-vulkan.sh)"
  else
    ldconfig -p | grep -q 'libvulkan.so.1' || { dpkg -x "$kit"/libvulkan1_*.deb / && ldconfig; }
    icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
    export NODEVICE_SELECT=1
  fi
}
tsx=("$bin/node" node_modules/tsx/dist/cli.mjs)  # an array, so that `timeout` can run it
say() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }

engine() {
  setup_node
  say "GPU"; nvidia-smi -L 2>/dev/null || echo "(no nvidia-smi)"
  say "agreement with the CPU reference (reduced size, 2 steps)"
  timeout 120 "${tsx[@]}" scripts/bench.ts --runtime node --size "$([ "$local_run" = 1 ] && echo quick || echo reduced)" \
    --engines webgpu,cpu --batch 1 --steps 2
  say "bench, full size, ours only (Node has no WebGPU ORT; the CPU reference at full size takes minutes)"
  timeout 150 "${tsx[@]}" scripts/bench.ts --runtime node --size "$full" --engines webgpu --batch 1,8 --steps 10 \
    --json "$OUT/bench-full.json"
  for config in sudoku maze; do
    for weights in f32 f16; do
      say "profile $config $weights"
      timeout 60 "${tsx[@]}" bench/profile.ts --config "$config" --size "$full" --batch 1 --weights "$weights"
    done
  done
  for backend in webgpu cpu; do
    say "shipped Sudoku weights on tests/fixtures/sudoku-eval-small.csv, $backend"
    timeout 90 "${tsx[@]}" scripts/solve.ts --model models/sudoku.safetensors --task sudoku \
      --csv tests/fixtures/sudoku-eval-small.csv --backend "$backend"
  done
}

train() {
  [ -f data/sudoku/train/dataset.json ] || xz -dc "$kit/data.txz" | tar -x
  local run=runs/gpu-sudoku
  local recipe=${TRAIN_ARGS:---hidden-size 256 --H-cycles 3 --L-cycles 6 --global-batch 768 --lr 2e-4 --lr-warmup-steps 200 --lr-min-ratio 0.1 --weight-decay 0.1 --puzzle-emb-lr 1e-3 --puzzle-emb-weight-decay 0.1 --forward-dtype float32 --autocast-bf16 true}
  [ "$local_run" = 1 ] && recipe="--hidden-size 32 --H-cycles 2 --L-cycles 2 --global-batch 16 --lr-min-ratio 0.1"
  say "train on $device for $minutes min: $recipe"
  # shellcheck disable=SC2086  # the recipe is a list of flags
  PYTHONUNBUFFERED=1 $python training/train.py --data data/sudoku --task sudoku --run-dir "$run" --fresh \
    --device "$device" --compile "$([ "$local_run" = 1 ] && echo false || echo true)" --minutes "$minutes" \
    --budget-minutes "$minutes" --print-every-s 20 --ckpt-every-s 60 --no-final-eval $recipe
  say "held-out evaluation (EMA weights; one pass, then 8 tries)"
  local csvs="data/sudoku/heldout_easy.csv data/sudoku/heldout_medium.csv data/sudoku/heldout_hard.csv"
  local limit=$([ "$local_run" = 1 ] && echo 8 || echo 500)
  # shellcheck disable=SC2086
  $python training/evaluate.py --model "$run" --weights ema --device "$device" --csv $csvs --limit "$limit" --json \
    > "$OUT/heldout.json"
  # shellcheck disable=SC2086
  $python training/evaluate.py --model "$run" --weights ema --device "$device" --csv $csvs --limit "$limit" --views 8 \
    --json > "$OUT/heldout-views8.json"
  $python - "$OUT" <<'EOF'
import json, sys
for name in ("heldout", "heldout-views8"):
    doc = json.load(open(f"{sys.argv[1]}/{name}.json"))
    print(name, {k: r["exact_accuracy"] for k, r in doc["results"].items()})
EOF
  $python training/export.py --run "$run" --weights ema --app "$OUT/sudoku-gpu.safetensors" \
    --card "$run/sudoku-gpu.json" --accuracy "$OUT/heldout.json"
  mv "$OUT"/heldout*.json "$run/"
  tar -czf "$OUT/results.tgz" -C "$run" $(cd "$run" && ls sudoku-gpu.json heldout*.json run.json metrics.csv eval.csv curves.png 2>/dev/null)
  # The checkpoint (weights, optimizer, EMA, carry) in ≤ 15 MB parts, to resume here or on a later GPU:
  # cat ckpt.pt.part-* > runs/gpu-sudoku/ckpt.pt
  split -b 15M "$run/ckpt.pt" "$OUT/ckpt.pt.part-"
  ls -la "$OUT"
}

case "$phase" in
  engine) engine 2>&1 | tee "$OUT/engine.log" ;;
  train) train 2>&1 | tee "$OUT/train.log" ;;
  all) engine 2>&1 | tee "$OUT/engine.log"; train 2>&1 | tee "$OUT/train.log" ;;
  *) echo "usage: bash scripts/device/gpu-check.sh engine | train MINUTES | all MINUTES" >&2; exit 2 ;;
esac
