"""Gradient fixtures for the backward ops of the TypeScript CPU reference (src/core/reference/backward.ts):
PyTorch autograd through the twin's own functions (training/trm), float32, on small seeded inputs.

  .venv/bin/python training/make_grad_fixtures.py   # writes tests/fixtures/grad-ops.json

Each case stores its inputs, the gradient fed to the op's output (or the loss), and autograd's gradients.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from trm.layers import RotaryEmbedding, apply_rope, rms_norm  # noqa: E402
from trm.loss import IGNORE_LABEL_ID, stablemax_cross_entropy  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "fixtures" / "grad-ops.json"


def flat(t: torch.Tensor) -> list[float]:
    """Values to 8 significant digits: float32 holds ~7, and the tests compare at 1e-4."""
    return [float(f"{v:.8g}") for v in t.detach().reshape(-1).tolist()]


def leaf(*shape: int, scale: float = 1.0) -> torch.Tensor:
    return (torch.randn(*shape) * scale).requires_grad_(True)


def cases() -> dict:
    torch.manual_seed(0)
    out: dict = {}

    # CastedLinear: y = x·Wᵀ + b
    x, w, b = leaf(5, 7), leaf(6, 7, scale=7**-0.5), leaf(6)
    g = torch.randn(5, 6)
    (F.linear(x, w, b) * g).sum().backward()
    out["linear"] = {"rows": 5, "in": 7, "out": 6, "x": flat(x), "w": flat(w), "b": flat(b), "dY": flat(g),
                     "dX": flat(x.grad), "dW": flat(w.grad), "dB": flat(b.grad)}

    # SwiGLU's activation: silu(gate)·up of the two halves of gate_up
    gu = leaf(4, 12, scale=2.0)
    g = torch.randn(4, 6)
    gate, up = gu.chunk(2, dim=-1)
    ((F.silu(gate) * up) * g).sum().backward()
    out["swiglu"] = {"rows": 4, "inter": 6, "gateUp": flat(gu), "dOut": flat(g), "dGateUp": flat(gu.grad)}

    # Weightless RMSNorm (the post-norm of every block)
    x = leaf(4, 8, scale=3.0)
    g = torch.randn(4, 8)
    (rms_norm(x, 1e-5) * g).sum().backward()
    out["rmsnorm"] = {"rows": 4, "dim": 8, "eps": 1e-5, "x": flat(x), "dY": flat(g), "dX": flat(x.grad)}

    # Stablemax cross-entropy, rows scaled by 1/valid count per example as the official loss does
    logits = leaf(2, 5, 11, scale=3.0)
    labels = torch.randint(0, 11, (2, 5))
    labels[0, 1] = IGNORE_LABEL_ID
    labels[1, 3] = IGNORE_LABEL_ID
    valid = labels != IGNORE_LABEL_ID
    divisor = valid.sum(-1, keepdim=True).clamp_min(1).to(torch.float64)
    loss = (stablemax_cross_entropy(logits, labels, valid) / divisor).sum()
    loss.backward()
    scale = (1 / divisor).expand(2, 5)
    out["stablemax_ce"] = {"rows": 10, "vocab": 11, "ignore": IGNORE_LABEL_ID, "logits": flat(logits),
                           "labels": [int(v) for v in labels.reshape(-1).tolist()], "scale": flat(scale),
                           "loss": float(loss.detach()), "dLogits": flat(logits.grad)}

    # The q-head's binary cross-entropy (official weight 0.5, summed)
    z = leaf(6, scale=4.0)
    t = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    loss = 0.5 * F.binary_cross_entropy_with_logits(z, t, reduction="sum")
    loss.backward()
    out["bce"] = {"n": 6, "weight": 0.5, "z": flat(z), "target": flat(t), "loss": float(loss.detach()), "dZ": flat(z.grad)}

    # Embedding lookup (token and puzzle rows): repeated ids accumulate
    table = leaf(7, 4)
    ids = torch.tensor([3, 0, 3, 6, 1])
    g = torch.randn(5, 4)
    (F.embedding(ids, table) * g).sum().backward()
    out["embedding"] = {"dim": 4, "rows": 7, "ids": [int(v) for v in ids.tolist()], "dOut": flat(g), "dTable": flat(table.grad)}

    # The MLP-mixer's token mixing: out = W·X over positions
    w, x = leaf(5, 6, scale=6**-0.5), leaf(6, 4)
    g = torch.randn(5, 4)
    ((w @ x) * g).sum().backward()
    out["matmul_wx"] = {"outRows": 5, "inner": 6, "cols": 4, "w": flat(w), "x": flat(x), "dOut": flat(g), "dW": flat(w.grad),
                        "dX": flat(x.grad)}

    # Attention with RoPE, as the twin's Attention after qkv_proj: qkv [S, 3·hidden] viewed [S, 3·heads, D]
    S, heads, hd = 6, 2, 4
    hidden = heads * hd
    qkv = leaf(S, 3 * hidden)
    cos, sin = RotaryEmbedding(hd, S, 10000.0)()
    q, k, v = qkv.view(1, S, 3 * heads, hd).split(heads, dim=2)
    q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
    att = F.scaled_dot_product_attention(*(t.transpose(1, 2) for t in (q, k, v)), is_causal=False).transpose(1, 2).reshape(S, hidden)
    g = torch.randn(S, hidden)
    (att * g).sum().backward()
    out["attention_rope"] = {"seq": S, "heads": heads, "hidden": hidden, "theta": 10000.0, "qkv": flat(qkv), "dOut": flat(g),
                             "dQkv": flat(qkv.grad)}
    return out


NETWORKS = {
    # A Sudoku-shaped MLP-mixer and a maze-shaped attention model with RoPE, both tiny (seq_len 16 + prefix 4).
    "mlp": dict(task="sudoku", hidden_size=16, num_heads=2, L_cycles=2, H_cycles=2, seq_len=16, vocab_size=11,
                mlp_t=True, pos_encodings="none", puzzle_emb_len=4, expansion=2),
    "att": dict(task="maze", hidden_size=16, num_heads=2, L_cycles=2, H_cycles=2, seq_len=16, vocab_size=6,
                mlp_t=False, pos_encodings="rope", puzzle_emb_len=4, expansion=2),
}


def network_case(name: str) -> tuple[dict, "torch.nn.Module", "TrmConfig"]:
    """One network call (L_level) of a tiny random model on one puzzle: its weights (returned to save as an app
    file), the call's inputs, the gradient fed to its output, and autograd's gradients of inputs and weights."""
    from trm import ACTLossHead, TrmConfig

    torch.manual_seed(1)
    cfg = TrmConfig(**NETWORKS[name])
    head = ACTLossHead.from_config(cfg)
    inner = head.model.inner
    S, H = cfg.seq_total, cfg.hidden_size
    state, injection = leaf(1, S, H), leaf(1, S, H)
    cos_sin = inner.rotary_emb() if cfg.pos_encodings == "rope" else None
    g = torch.randn(1, S, H)
    (inner.L_level(state, injection, cos_sin) * g).sum().backward()
    grads = {k: flat(p.grad) for k, p in inner.L_level.named_parameters()}
    case = {"state": flat(state), "injection": flat(injection), "dOut": flat(g), "dState": flat(state.grad),
            "dInjection": flat(injection.grad), "grads": {f"L_level.{k}": v for k, v in grads.items()}}
    return case, head, cfg


def step_case(name: str) -> tuple[dict, "torch.nn.Module", "TrmConfig"]:
    """One ACT step of a tiny random model on a batch of 2 from a given carry: the official loss (stablemax CE
    per example over its labelled cells + 0.5·BCE(q_halt, exact)) and autograd's gradients of every weight and
    of the batch's puzzle-embedding rows. The q head and the puzzle table get random values (a fresh model's are
    zero), so that every path carries a gradient."""
    from trm import ACTLossHead, TrmConfig
    from trm.model import InnerCarry

    torch.manual_seed(2)
    cfg = TrmConfig(**NETWORKS[name], num_puzzle_identifiers=3)
    head = ACTLossHead.from_config(cfg)
    inner = head.model.inner
    with torch.no_grad():
        inner.q_head.weight.normal_(0, 0.3)
        inner.q_head.bias.normal_(0, 1)
        inner.puzzle_emb.weights.normal_(0, 0.5)
    head.train()
    B, S, H, L = 2, cfg.seq_total, cfg.hidden_size, cfg.seq_len
    tokens = torch.randint(1, cfg.vocab_size, (B, L), dtype=torch.int32)
    labels = torch.randint(1, cfg.vocab_size, (B, L))
    labels[0, :3] = IGNORE_LABEL_ID
    labels[1, 5] = IGNORE_LABEL_ID
    pids = torch.tensor([2, 0], dtype=torch.int32)
    z_H, z_L = torch.randn(B, S, H), torch.randn(B, S, H)
    new_carry, logits, (q_halt, _) = inner(InnerCarry(z_H, z_L), {"inputs": tokens, "puzzle_identifiers": pids})
    valid = labels != IGNORE_LABEL_ID
    counts = valid.sum(-1)
    divisor = counts.clamp_min(1).unsqueeze(-1)
    seq_correct = ((valid & (logits.argmax(-1) == labels)).sum(-1) == counts)
    lm_loss = (stablemax_cross_entropy(logits, labels, valid) / divisor).sum()
    q_halt_loss = F.binary_cross_entropy_with_logits(q_halt, seq_correct.to(q_halt.dtype), reduction="sum")
    loss = lm_loss + 0.5 * q_halt_loss
    loss.backward()
    grads = {k: flat(p.grad) for k, p in inner.named_parameters() if p.grad is not None}
    rows = torch.zeros_like(inner.puzzle_emb.weights)
    rows.index_add_(0, inner.puzzle_emb.local_ids.long(), inner.puzzle_emb.local_weights.grad)
    grads["puzzle_emb.weights"] = flat(rows)
    case = {"tokens": [int(v) for v in tokens.reshape(-1)], "labels": [int(v) for v in labels.reshape(-1)],
            "puzzleIds": [int(v) for v in pids], "zH": flat(z_H), "zL": flat(z_L), "loss": float(loss.detach()),
            "lmLoss": float(lm_loss.detach()), "qHaltLoss": float(q_halt_loss.detach()), "exact": int(seq_correct.sum()),
            "newZH": flat(new_carry.z_H), "newZL": flat(new_carry.z_L), "grads": grads}
    return case, head, cfg


def optimizer_case() -> dict:
    """Two optimizer steps of the official recipe on the MLP step case's gradients (divided by the batch, as the
    trainer's backward of loss / global_batch gives them): AdamATan2 on the weights, SignSGD on the batch's
    puzzle rows, then the EMA. The parameters before and after, by name."""
    from trainer.optim import AdamATan2, lr_at

    case, head, _ = step_case("mlp")
    inner = head.model.inner
    params = {k: p for k, p in inner.named_parameters()}
    before = {k: flat(p) for k, p in params.items()}
    table_before = inner.puzzle_emb.weights.detach().clone()
    lr, wd, emb_lr, emb_wd, ema_rate, B = 1e-3, 0.1, 1e-2, 0.1, 0.9, 2
    opt = AdamATan2(params.values(), lr=lr, weight_decay=wd)
    shadow = {k: p.detach().clone() for k, p in params.items()}
    ids = torch.tensor(case["puzzleIds"]).long()
    for _ in range(2):
        for k, p in params.items():
            p.grad = torch.tensor(case["grads"][k]).view_as(p) / B
        opt.step()
        rows = torch.tensor(case["grads"]["puzzle_emb.weights"]).view_as(inner.puzzle_emb.weights) / B
        with torch.no_grad():
            for i in ids.unique():
                w = inner.puzzle_emb.weights[i]
                inner.puzzle_emb.weights[i] = w * (1 - emb_lr * emb_wd) - emb_lr * torch.sign(rows[i])
            for k, p in params.items():
                shadow[k].lerp_(p.detach(), 1 - ema_rate)
    keep = [k for k, p in params.items() if p.numel() <= 5000]  # an elementwise update: the small tensors suffice
    return {"lr": lr, "weightDecay": wd, "embLr": emb_lr, "embWeightDecay": emb_wd, "emaRate": ema_rate, "batch": B, "steps": 2,
            "before": {k: before[k] for k in keep}, "after": {k: flat(params[k]) for k in keep},
            "ema": {k: flat(shadow[k]) for k in keep},
            "tableBefore": flat(table_before), "tableAfter": flat(inner.puzzle_emb.weights),
            "lrAt": [lr_at(s, 1.0, 10, 100, 0.1) for s in (0, 5, 10, 55, 100, 150)]}


TRAIN_STEPS = 50


def trainer_case() -> tuple[dict, "torch.nn.Module", "TrmConfig"]:
    """50 steps of the official loop (training/trainer/loop.py's train_step) on one fixed batch of 4 copy-the-input
    puzzles with the tiny MLP-mixer: ACT carry, halting (no exploration, so that no random draw is involved),
    loss / batch backward, AdamATan2 with warm-up then cosine, SignSGD on the puzzle rows, EMA. The model before
    training is returned to save; the loss terms and exact count of every step are the reference curve."""
    from trainer.ema import EMA
    from trainer.optim import AdamATan2, lr_at, sign_sgd_embedding_step
    from trm import ACTLossHead, TrmConfig

    torch.manual_seed(3)
    cfg = TrmConfig(**{**NETWORKS["mlp"], "halt_max_steps": 4, "halt_exploration_prob": 0.0}, num_puzzle_identifiers=3)
    head = ACTLossHead.from_config(cfg)
    initial = ACTLossHead.from_config(cfg)
    initial.load_state_dict(head.state_dict())
    head.train()
    B, L = 4, cfg.seq_len
    tokens = torch.randint(1, cfg.vocab_size, (B, L), dtype=torch.int32)
    labels = tokens.long().clone()
    labels[:, :2] = IGNORE_LABEL_ID
    pids = torch.tensor([1, 2, 1, 0], dtype=torch.int32)
    batch = {"inputs": tokens, "labels": labels, "puzzle_identifiers": pids}
    lr, wd, emb_lr, emb_wd, warmup, min_ratio = 3e-4, 0.1, 1e-3, 0.1, 5, 0.3
    opt = AdamATan2([p for p in head.parameters() if p.requires_grad], lr=lr, weight_decay=wd)
    ema = EMA(head, 0.9)
    carry = head.initial_carry(batch)
    curve = []
    for step in range(TRAIN_STEPS):
        carry, loss, metrics, _, _ = head(carry, batch)
        (loss / B).backward()
        factor = lr_at(step, 1.0, warmup, TRAIN_STEPS, min_ratio)
        for g in opt.param_groups:
            g["lr"] = lr * factor
        opt.step()
        opt.zero_grad(set_to_none=True)
        sign_sgd_embedding_step(head.model.puzzle_emb, emb_lr * factor, emb_wd)
        ema.update(head)
        curve.append({"loss": float(loss.detach()), "lmLoss": float(metrics["lm_loss"]), "qHaltLoss": float(metrics["q_halt_loss"]),
                      "halted": int(carry.halted.sum())})
    case = {"tokens": [int(v) for v in tokens.reshape(-1)], "labels": [int(v) for v in labels.reshape(-1)],
            "puzzleIds": [int(v) for v in pids], "options": {"lr": lr, "weightDecay": wd, "puzzleEmbLr": emb_lr,
            "puzzleEmbWeightDecay": emb_wd, "emaRate": 0.9, "warmupSteps": warmup, "minRatio": min_ratio,
            "totalSteps": TRAIN_STEPS, "explorationProb": 0.0}, "curve": curve}
    return case, initial, cfg


def main() -> None:
    from trm.checkpoint import save_app

    OUT.write_text(json.dumps(cases(), indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {OUT.relative_to(REPO)} ({OUT.stat().st_size} bytes)")
    case, initial, cfg = trainer_case()
    save_app(OUT.parent / "grad-train-mlp.safetensors", initial, cfg)
    (OUT.parent / "grad-train-mlp.json").write_text(json.dumps(case, separators=(",", ":")) + "\n")
    print("wrote tests/fixtures/grad-train-mlp.safetensors and .json")
    opt = OUT.parent / "grad-optimizer.json"
    opt.write_text(json.dumps(optimizer_case(), separators=(",", ":")) + "\n")
    print(f"wrote {opt.relative_to(REPO)}")
    for name in NETWORKS:
        case, head, cfg = network_case(name)
        base = OUT.parent / f"grad-net-{name}"
        save_app(f"{base}.safetensors", head, cfg)
        Path(f"{base}.json").write_text(json.dumps(case, separators=(",", ":")) + "\n")
        print(f"wrote {base.relative_to(REPO)}.safetensors and .json")
        case, head, cfg = step_case(name)
        base = OUT.parent / f"grad-step-{name}"
        save_app(f"{base}.safetensors", head, cfg)
        Path(f"{base}.json").write_text(json.dumps(case, separators=(",", ":")) + "\n")
        print(f"wrote {base.relative_to(REPO)}.safetensors and .json")


if __name__ == "__main__":
    main()
