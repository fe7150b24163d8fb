"""Writes the golden fixtures in tests/fixtures/<name>/: model.safetensors (app format, F32) + trace.json.

Each model is the official init (torch.manual_seed(SEED) right before construction), then q_head and the
puzzle table get small random values (as tests/fixtures/reference/README.md §2 does) so those paths are tested.
The trace is the evaluation loop in float32; the same weights are rerun in float64 and the per-step
max |logit difference| is stored, telling consumers how much rounding the recursion amplifies.

    .venv/bin/python training/make_fixtures.py [--out tests/fixtures] [--only NAME ...]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from trm import TrmACT, TrmConfig  # noqa: E402
from trm.checkpoint import bare_state_dict, load_weights, save_app, token_map  # noqa: E402
from trm.trace import run_eval  # noqa: E402

SEED = 0
NEAR_TIE_MARGIN = 1e-3
# Carry snapshots (as in tests/fixtures/reference): rounding differences grow ~7x per step in the MLP-mixer
# fixtures, so late steps are only comparable when resumed from the exact float32 carry.
SNAPSHOT_AFTER_STEPS = [3, 15]
CARRY_LAYOUT = "[snapshot][0=z_H,1=z_L][batch][position][channel], float32 little-endian, C order"
REPO = Path(__file__).resolve().parent.parent

# Real puzzles ('.' = blank): the Wikipedia example and Arto Inkala's "hardest".
SUDOKU_9 = [
    "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
    "8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4..",
]
# 4×4 grids with 2×2 boxes (solutions 1234/3412/2143/4321 and 2143/3412/1234/4321).
SUDOKU_4 = ["1.3.....2..34..1", ".1..3..2..3.4..."]
# 6×6 mazes, row-major ("# SGo"): a maze model with a canvas smaller than the official 30×30.
MAZE_6 = ["S #   " "  # # " "#   # " "  ### " " #   G" "   #  ",
          "######" "#S   #" "#### #" "#G   #" "## # #" "######"]

_COMMON = dict(num_heads=2, H_cycles=2, expansion=4, L_layers=2, halt_max_steps=16, forward_dtype="float32")
FIXTURES: dict[str, dict] = {
    "sudoku-mlp-h64": dict(task="sudoku", seq_len=81, vocab_size=11, hidden_size=64, L_cycles=3, mlp_t=True,
                           pos_encodings="none", num_puzzle_identifiers=1, puzzles=SUDOKU_9, ids=[0, 0]),
    "sudoku-att-h64": dict(task="sudoku", seq_len=81, vocab_size=11, hidden_size=64, L_cycles=2, mlp_t=False,
                           pos_encodings="rope", num_puzzle_identifiers=1, puzzles=SUDOKU_9, ids=[0, 0]),
    # 3 puzzle rows and ids [2, 0]: checks that engines index the puzzle table per row.
    "tiny4-mlp-h32": dict(task="sudoku", seq_len=16, vocab_size=6, hidden_size=32, L_cycles=3, mlp_t=True,
                          pos_encodings="none", num_puzzle_identifiers=3, puzzles=SUDOKU_4, ids=[2, 0]),
    "tiny4-att-h32": dict(task="sudoku", seq_len=16, vocab_size=6, hidden_size=32, L_cycles=2, mlp_t=False,
                          pos_encodings="rope", num_puzzle_identifiers=3, puzzles=SUDOKU_4, ids=[2, 0]),
    "maze6-mlp-h16": dict(task="maze", seq_len=36, vocab_size=6, hidden_size=16, L_cycles=2, mlp_t=True,
                          pos_encodings="none", num_puzzle_identifiers=1, puzzles=MAZE_6, ids=[0, 0]),
}


def fixture_config(name: str, forward_dtype: str = "float32") -> TrmConfig:
    spec = {k: v for k, v in FIXTURES[name].items() if k not in ("puzzles", "ids")}
    return TrmConfig(**{**_COMMON, **spec, "forward_dtype": forward_dtype})


def encode_sudoku(puzzle: str) -> list[int]:
    """'.' → 1 (blank), digit d → d + 1 (official Sudoku encoding)."""
    return [1 if ch == "." else int(ch) + 1 for ch in puzzle]


def encode_maze(maze: str) -> list[int]:
    """Official maze tokens: "# SGo"[k] → k + 1."""
    return ["# SGo".index(ch) + 1 for ch in maze]


def fixture_batch(name: str) -> dict[str, torch.Tensor]:
    spec = FIXTURES[name]
    encode = encode_maze if spec["task"] == "maze" else encode_sudoku
    return {"inputs": torch.tensor([encode(p) for p in spec["puzzles"]], dtype=torch.int32),
            "puzzle_identifiers": torch.tensor(spec["ids"], dtype=torch.int32)}


def fixture_model(name: str) -> TrmACT:
    config = fixture_config(name)
    torch.manual_seed(SEED)
    model = TrmACT(config)
    inner = model.inner
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():  # deliberate deviation from the official init (q_head 0/−5, puzzle table 0)
        inner.q_head.weight.copy_(torch.randn(2, config.hidden_size, generator=g) * 0.1)
        inner.q_head.bias.copy_(torch.randn(2, generator=g) * 0.1)
        inner.puzzle_emb.weights.copy_(torch.randn(config.num_puzzle_identifiers, config.puzzle_emb_ndim,
                                                   generator=g) * 0.1)
    return model.eval()


def r7(x: float) -> float:
    return float(f"{x:.7g}")


def rounded(t: torch.Tensor):
    if t.dtype.is_floating_point:
        return [r7(v) for v in t.tolist()] if t.dim() == 1 else [rounded(row) for row in t]
    return t.tolist()


def near_ties(logits: torch.Tensor, margin: float) -> list[list[int]]:
    top2 = logits.topk(2, dim=-1).values
    return (top2[..., 0] - top2[..., 1] < margin).nonzero().tolist()


def make_fixture(name: str) -> tuple[dict[str, torch.Tensor], TrmConfig, dict, torch.Tensor]:
    """Returns (app tensors, config, trace dict, carry snapshots [n, 2, B, seq_total, hidden]) for one fixture."""
    model = fixture_model(name)
    config = model.config
    batch = fixture_batch(name)
    steps = run_eval(model, batch, record_inner=True, keep_carry=True)
    carries = torch.stack([torch.stack([steps[k - 1].carry.z_H, steps[k - 1].carry.z_L])
                           for k in SNAPSHOT_AFTER_STEPS]).to(torch.float32).contiguous()

    model64 = TrmACT(fixture_config(name, "float64"))
    load_weights(model64, bare_state_dict(model))
    steps64 = run_eval(model64, batch)
    diff = [r7((s.logits.double() - s64.logits).abs().max().item()) for s, s64 in zip(steps, steps64)]
    diff_q = [r7(max((s.q_halt_logits.double() - s64.q_halt_logits).abs().max().item(),
                     (s.q_continue_logits.double() - s64.q_continue_logits).abs().max().item()))
              for s, s64 in zip(steps, steps64)]

    trace = {
        "config": config.to_dict(),
        "inputs": batch["inputs"].tolist(),
        "puzzle_identifiers": batch["puzzle_identifiers"].tolist(),
        "near_tie_margin": NEAR_TIE_MARGIN,
        "float64_max_abs_logit_diff": diff,
        "float64_max_abs_q_diff": diff_q,
        "carry_snapshots": {"file": "carries.f32", "after_steps": SNAPSHOT_AFTER_STEPS,
                            "shape": list(carries.shape), "layout": CARRY_LAYOUT},
        "steps": [{
            "step": s.step,
            "logits": rounded(s.logits),
            "q_halt_logits": rounded(s.q_halt_logits),
            "q_continue_logits": rounded(s.q_continue_logits),
            "preds": s.preds.tolist(),
            "near_ties": near_ties(s.logits, NEAR_TIE_MARGIN),
            "inner": [{"cycle": c.cycle, "call": c.call, "target": c.target, "y_norm": rounded(c.y_norm),
                       "z_norm": rounded(c.z_norm), "preds": c.preds.tolist()} for c in s.inner],
        } for s in steps],
    }
    return bare_state_dict(model), config, trace, carries


def write_fixture(name: str, out_root: Path) -> Path:
    tensors, config, trace, carries = make_fixture(name)
    folder = out_root / name
    folder.mkdir(parents=True, exist_ok=True)
    save_app(folder / "model.safetensors", tensors, config, token_map(config.task, config.vocab_size),
             card={"name": name, "description": "golden fixture: official init with random q_head and puzzle "
                   "table, untrained", "trained_on": "nothing", "command": "training/make_fixtures.py"})
    (folder / "trace.json").write_text(json.dumps(trace, separators=(",", ":")) + "\n")
    (folder / "carries.f32").write_bytes(carries.numpy().astype("<f4").tobytes())
    return folder


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures")
    ap.add_argument("--only", nargs="*", choices=sorted(FIXTURES), help="fixture names (default: all)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)  # one thread: the same float32 rounding on every machine's build
    for name in args.only or FIXTURES:
        folder = write_fixture(name, args.out)
        size = sum(f.stat().st_size for f in folder.iterdir())
        print(f"{folder}: {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
