"""Model behaviour the reference fixtures do not pin: names/dtypes, init, dtypes, training-mode halting,
gradients, the loss head, the per-call recorder."""
from __future__ import annotations

import math

import pytest
import torch

from trm import ACTLossHead, TrmACT, TrmConfig
from trm.layers import trunc_normal_
from trm.loss import log_stablemax, stablemax_cross_entropy


def tiny(**kw) -> TrmConfig:
    base = dict(task="sudoku", hidden_size=16, num_heads=2, L_cycles=2, H_cycles=2, seq_len=16, vocab_size=6)
    return TrmConfig(**{**base, **kw})


def batch_for(c: TrmConfig, b: int = 2, seed: int = 0) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randint(1, c.vocab_size, (b, c.seq_len), generator=g, dtype=torch.int32)
    labels = torch.randint(2, c.vocab_size, (b, c.seq_len), generator=g).to(torch.int32)
    return {"inputs": inputs, "labels": labels,
            "puzzle_identifiers": torch.zeros(b, dtype=torch.int32)}


@pytest.mark.parametrize("mlp_t, pos", [(True, "none"), (False, "rope"), (False, "learned")])
def test_state_dict_keys_shapes_and_dtypes_are_official(mlp_t, pos):
    c = tiny(mlp_t=mlp_t, pos_encodings=pos)
    sd = ACTLossHead.from_config(c).state_dict()
    assert {k: tuple(v.shape) for k, v in sd.items()} == {"model.inner." + k: s for k, s in c.expected_shapes().items()}
    assert list(sd)[:2] == ["model.inner.H_init", "model.inner.L_init"]
    for k, v in sd.items():
        assert v.dtype == (torch.bfloat16 if k.endswith(("H_init", "L_init")) else torch.float32), k


def test_official_init_values():
    torch.manual_seed(0)
    inner = TrmACT(tiny(hidden_size=64)).inner
    assert torch.all(inner.q_head.weight == 0) and torch.all(inner.q_head.bias == -5)
    assert torch.all(inner.puzzle_emb.weights == 0)
    w = inner.L_level.layers[0].mlp.gate_up_proj.weight  # std 1/sqrt(64), cut at ±2σ
    assert w.std().item() == pytest.approx(1 / 8, rel=0.05)
    assert w.abs().max().item() <= 2 / 8 * 1.14  # 2·corrected std (corrected ≈ 1.136·std)


def test_trunc_normal_has_the_requested_std_and_bounds():
    torch.manual_seed(1)
    t = trunc_normal_(torch.empty(200_000), std=0.5)
    assert t.std().item() == pytest.approx(0.5, rel=0.01)
    bound = t.abs().max().item()
    assert 0.5 * 2 < bound <= 0.5 * 2 * 1.1371  # truncation at 2 corrected sigmas


@pytest.mark.parametrize("dtype", ["bfloat16", "float64"])
def test_other_forward_dtypes_run_and_stay_close_to_float32(dtype):
    c32 = tiny(mlp_t=False, pos_encodings="rope")
    torch.manual_seed(0)
    m32 = TrmACT(c32).eval()
    other = TrmACT(TrmConfig.from_dict(c32.to_dict(), forward_dtype=dtype)).eval()
    other.inner.load_state_dict(m32.inner.state_dict())
    batch = batch_for(c32)
    with torch.no_grad():
        _, o32 = m32(m32.initial_carry(batch), batch)
        carry, o = other(other.initial_carry(batch), batch)
    assert o["logits"].dtype == getattr(torch, dtype) and carry.inner_carry.z_H.dtype == getattr(torch, dtype)
    tol = 0.1 if dtype == "bfloat16" else 1e-5
    assert (o["logits"].double() - o32["logits"].double()).abs().max().item() < tol


def test_eval_runs_all_steps_but_training_halts_on_q():
    c = tiny(halt_exploration_prob=0.0)
    model = TrmACT(c)
    with torch.no_grad():
        model.inner.q_head.bias.fill_(5.0)  # q_halt > 0 everywhere
    batch = batch_for(c)
    for training, expected_halt_step in ((True, 1), (False, c.halt_max_steps)):
        model.train(training)
        carry = model.initial_carry(batch)
        with torch.no_grad():
            for step in range(1, c.halt_max_steps + 1):
                carry, _ = model(carry, batch)
                if carry.halted.all():
                    break
        assert step == expected_halt_step
        assert carry.steps.tolist() == [step, step]


def test_exploration_imposes_a_minimum_number_of_steps():
    c = tiny(halt_exploration_prob=1.0)
    model = TrmACT(c).train()
    with torch.no_grad():
        model.inner.q_head.bias.fill_(5.0)
    batch = batch_for(c, b=64)
    torch.manual_seed(3)
    with torch.no_grad():
        carry, _ = model(model.initial_carry(batch), batch)
    assert not carry.halted.any()  # every row drew a minimum of 2..16 steps


def test_halted_rows_restart_from_the_new_batch_and_init_states():
    c = tiny()
    model = TrmACT(c).eval()
    b1, b2 = batch_for(c, seed=1), batch_for(c, seed=2)
    carry = model.initial_carry(b1)
    with torch.no_grad():
        carry, _ = model(carry, b1)
        carry.halted = torch.tensor([True, False])
        carry, _ = model(carry, b2)
    assert torch.equal(carry.current_data["inputs"][0], b2["inputs"][0])
    assert torch.equal(carry.current_data["inputs"][1], b1["inputs"][1])
    assert carry.steps.tolist() == [1, 2]


def test_gradient_flows_only_through_the_last_cycle_and_reaches_the_puzzle_rows():
    c = tiny(H_cycles=3, num_puzzle_identifiers=4)
    head = ACTLossHead.from_config(c).train()
    batch = batch_for(c)
    batch["puzzle_identifiers"] = torch.tensor([3, 1], dtype=torch.int32)
    seen = []
    head.model.inner.recorder = lambda cycle, call, target, z_H, z_L: seen.append(
        (cycle, (z_L if target == "z" else z_H).requires_grad))
    carry, loss, metrics, _, _ = head(head.initial_carry(batch), batch)
    loss.backward()
    assert [g for cyc, g in seen if cyc < 2] == [False] * 6 and [g for cyc, g in seen if cyc == 2] == [True] * 3
    assert head.model.inner.L_level.layers[0].mlp.down_proj.weight.grad is not None
    pe = head.model.puzzle_emb
    assert pe.local_ids.tolist() == [3, 1] and pe.local_weights.grad.shape == (2, c.hidden_size)
    assert not carry.inner_carry.z_H.requires_grad


def test_inner_call_under_bf16_autocast():
    c = tiny(mlp_t=False, pos_encodings="rope")
    model = TrmACT(c).train()
    batch = batch_for(c)
    carry = model.initial_carry(batch)
    inner_carry = model.inner.reset_carry(carry.halted, carry.inner_carry)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        _, logits, (q_halt, _) = model.inner(inner_carry, batch)
    assert logits.dtype == torch.bfloat16 and torch.isfinite(logits.float()).all()
    logits.float().sum().backward()


def test_recorder_sees_every_network_call_in_order():
    c = tiny(H_cycles=2, L_cycles=3)
    model = TrmACT(c).eval()
    calls = []
    model.inner.recorder = lambda cycle, call, target, z_H, z_L: calls.append((cycle, call, target))
    batch = batch_for(c)
    with torch.no_grad():
        model(model.initial_carry(batch), batch)
    assert calls == [(cy, j, "z" if j < 3 else "y") for cy in range(2) for j in range(4)]


def test_stablemax_cross_entropy_by_hand():
    logits = torch.tensor([[[2.0, -1.0, 0.0]]])
    s = torch.tensor([3.0, 0.5, 1.0], dtype=torch.float64)
    assert torch.allclose(log_stablemax(logits.double())[0, 0], torch.log(s / s.sum()))
    loss = stablemax_cross_entropy(logits, torch.tensor([[1]]), torch.tensor([[True]]))
    assert loss.dtype == torch.float64 and loss.item() == pytest.approx(-math.log(0.5 / 4.5))
    assert stablemax_cross_entropy(logits, torch.tensor([[-100]]), torch.tensor([[False]])).item() == 0


def test_loss_head_total_and_metrics():
    c = tiny()
    head = ACTLossHead.from_config(c).eval()
    batch = batch_for(c)
    batch["labels"][1] = -100  # row 1: nothing to score
    carry = head.initial_carry(batch)
    with torch.no_grad():
        for _ in range(c.halt_max_steps):
            carry, loss, metrics, out, all_halted = head(carry, batch,
                                                         return_keys=("preds", "logits", "q_halt_logits"))
    assert all_halted
    logits, labels = out["logits"], batch["labels"]
    valid = labels != -100
    lm = (stablemax_cross_entropy(logits, labels, valid) / valid.sum(-1).clamp_min(1).unsqueeze(-1)).sum()
    seq_correct = ((out["preds"] == labels) | ~valid).all(-1).to(torch.float32)
    q_loss = torch.nn.functional.binary_cross_entropy_with_logits(out["q_halt_logits"], seq_correct, reduction="sum")
    assert metrics["lm_loss"].item() == pytest.approx(lm.item())
    assert metrics["q_halt_loss"].item() == pytest.approx(q_loss.item())
    assert loss.item() == pytest.approx(lm.item() + 0.5 * q_loss.item())
    assert metrics["count"].item() == 1  # row 1 has no valid label
    assert metrics["steps"].item() == c.halt_max_steps
    assert metrics["accuracy"].item() == pytest.approx(((out["preds"][0] == labels[0]).float().mean()).item())
    assert seq_correct[1] == 1
