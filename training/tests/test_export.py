"""Exporters (app safetensors + card, official step_N, ONNX of one supervision step) and evaluate.py."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import torch

from trainer.loop import Steering, Trainer
from trainer.model_io import load_model
from trainer.settings import RunSettings
from trm.checkpoint import load_app, load_official

TINY = dict(task="sudoku", hidden_size=16, num_heads=2, H_cycles=1, L_cycles=1, halt_max_steps=3,
            forward_dtype="float32", global_batch=8, lr=3e-3, lr_warmup_steps=1, ema_rate=0.5, expansion=2)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from data.build_sudoku import build

    root = tmp_path_factory.mktemp("exp")
    data = str(root / "data")
    build(data, train_puzzles=10, aug=1, heldout=3, min_givens=36, max_givens=44, seed=2, workers=1,
          exclude_benchmarks=False)
    run_dir = str(root / "run")
    Trainer(RunSettings(data=data, **TINY), Steering(run_dir=run_dir, max_steps=3, ckpt_every_s=1e9, quiet=True)).run()
    return root, data, run_dir


def test_app_export_matches_ema_weights_and_card(run, tmp_path):
    import export

    root, data, run_dir = run
    acc = tmp_path / "acc.json"
    acc.write_text(json.dumps({"heldout_easy": {"exact_accuracy": 0.0}}))
    export.main(["--run", run_dir, "--weights", "ema", "--app", str(tmp_path / "m.safetensors"),
                 "--card", str(tmp_path / "m.json"), "--accuracy", str(acc),
                 "--manifest", str(tmp_path / "manifest.json")])
    assert json.loads((tmp_path / "manifest.json").read_text()) == [
        {"task": "sudoku", "weights": "m.safetensors", "card": "m.json"}]
    tensors, cfg, meta = load_app(tmp_path / "m.safetensors")
    assert cfg.hidden_size == 16 and cfg.task == "sudoku" and meta["token_map"][1] == "blank"
    ema = torch.load(f"{run_dir}/ckpt.pt", weights_only=False)["ema"]["shadow"]
    torch.testing.assert_close(tensors["lm_head.weight"], ema["model.inner.lm_head.weight"])
    card = json.loads((tmp_path / "m.json").read_text())
    assert card["commands"] and card["accuracy"]["heldout_easy"]["exact_accuracy"] == 0.0
    assert card["trained_steps"] == 3 and "hardware" in card
    assert meta["card"]["name"] == "sudoku"


def test_official_export_round_trips(run, tmp_path):
    import export

    _, _, run_dir = run
    export.main(["--run", run_dir, "--weights", "raw", "--official", str(tmp_path / "off")])
    sd, had_prefix = load_official(tmp_path / "off" / "step_3")
    assert had_prefix and sd["model.inner.H_init"].dtype == torch.bfloat16
    raw = torch.load(f"{run_dir}/ckpt.pt", weights_only=False)["model"]
    for k, v in raw.items():
        torch.testing.assert_close(sd[k].to(v.dtype), v)
    # all_config.yaml beside step_N, as the official trainer writes it: the config reads back exactly, and the
    # run's training settings are under their official keys.
    import yaml

    from trm import TrmConfig

    _, cfg, info = load_model(run_dir, "raw")
    doc = yaml.safe_load((tmp_path / "off" / "all_config.yaml").read_text())
    back = TrmConfig.from_all_config_yaml(tmp_path / "off" / "all_config.yaml", seq_len=cfg.seq_len,
                                          vocab_size=cfg.vocab_size, num_puzzle_identifiers=cfg.num_puzzle_identifiers,
                                          task="sudoku")
    assert back == cfg
    assert doc["global_batch_size"] == TINY["global_batch"] and doc["lr"] == TINY["lr"]
    assert doc["data_paths"] == [info["settings"]["data"]] and doc["arch"]["no_ACT_continue"] is True


def test_official_export_fixture_is_what_the_exporter_writes(tmp_path):
    """tests/fixtures/official-export (read by tests/unit/official-export.test.ts) is export.py's output for the
    maze6-mlp-h16 fixture, byte for byte: regenerate it with the same command when the exporter changes."""
    import export

    from conftest import FIXTURES

    export.main(["--model", str(FIXTURES / "maze6-mlp-h16" / "model.safetensors"), "--official", str(tmp_path)])
    for name in ("step_0", "all_config.yaml"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / "official-export" / name).read_bytes(), name


def test_official_export_refuses_a_config_the_official_code_cannot_express():
    from trm import TrmConfig
    from trm.checkpoint import CheckpointError, official_all_config

    cfg = TrmConfig(task="maze", hidden_size=16, num_heads=2, L_cycles=1, H_cycles=1, seq_len=16, vocab_size=6)
    cfg.pos_encodings = "rope_2d"
    with pytest.raises(CheckpointError, match="rope_2d"):
        official_all_config(cfg)


def test_export_cli_onnx_matches_torch(run, tmp_path):
    """export.py --onnx goes through export_onnx.export_step (one exporter); the graph equals the twin's step."""
    import onnx
    from onnx.reference import ReferenceEvaluator

    import export
    from export_onnx import INPUT_NAMES, OnnxStep

    _, _, run_dir = run
    model, cfg, _ = load_model(run_dir, "raw")
    path = str(tmp_path / "step.onnx")
    export.main(["--run", run_dir, "--weights", "raw", "--onnx", path])
    proto = onnx.load(path)
    assert [i.name for i in proto.graph.input] == INPUT_NAMES
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(1, 11, (2, cfg.seq_len), generator=g, dtype=torch.int32)
    pids = torch.zeros(2, dtype=torch.int32)
    z_H = torch.randn(2, cfg.seq_total, cfg.hidden_size, generator=g)
    z_L = torch.randn(2, cfg.seq_total, cfg.hidden_size, generator=g)
    with torch.no_grad():
        want = OnnxStep(getattr(model, "model", model).inner.eval())(tokens, pids, z_H, z_L)
    got = ReferenceEvaluator(proto).run(None, dict(zip(INPUT_NAMES, (tokens.numpy(), pids.numpy(), z_H.numpy(),
                                                                    z_L.numpy()))))
    for w, o in zip(want, got):
        np.testing.assert_allclose(o, w.numpy(), rtol=1e-4, atol=1e-4)


def test_evaluate_csv_and_split(run, tmp_path, capsys):
    import evaluate

    root, data, run_dir = run
    out = evaluate.main(["--model", run_dir, "--weights", "ema", "--data", data, "--csv",
                         f"{data}/heldout_easy.csv", "--json"])
    res = out["results"]
    assert res[f"{data}:test"]["n"] == 9 and res["heldout_easy.csv"]["n"] == 3
    curve = res["heldout_easy.csv"]["exact_accuracy_per_step"]
    assert len(curve) == 3 and curve[-1] == res["heldout_easy.csv"]["exact_accuracy"]
    json.loads(capsys.readouterr().out)  # --json prints one JSON document


def test_evaluate_compiled_equals_eager(run):
    """--compile (torch.compile of the network, as in training) changes speed, not results."""
    import evaluate

    root, data, run_dir = run
    args = ["--model", run_dir, "--weights", "raw", "--csv", f"{data}/heldout_easy.csv", "--json"]
    eager = evaluate.main(args)["results"]["heldout_easy.csv"]
    compiled = evaluate.main(args + ["--compile"])["results"]["heldout_easy.csv"]
    for key in ("exact_accuracy_per_step", "mean_halting_step"):
        assert compiled[key] == eager[key]
    assert abs(compiled["token_accuracy"] - eager["token_accuracy"]) < 1e-9


def test_evaluate_reads_benchmark_columns(tmp_path):
    from data.sudoku_csv import read_sudoku_csv

    p = tmp_path / "b.csv"
    with open(p, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["puzzle", "solution"])
        w.writerow(["." * 81, "1" * 81])
    puzzles, solutions, _ = read_sudoku_csv(p)
    assert puzzles.shape == (1, 81) and solutions[0, 0] == 1


def test_card_commands_carry_no_absolute_checkout_paths():
    from export import REPO_ROOT, portable_command
    cmd = f"{REPO_ROOT}/.venv/bin/python {REPO_ROOT}/training/train.py --data data/sudoku --out /elsewhere/x"
    assert portable_command(cmd) == "python training/train.py --data data/sudoku --out /elsewhere/x"


def test_init_from_app_file_starts_a_new_run_with_its_weights_and_history(run, tmp_path):
    import export

    from trainer.checkpointing import SettingsMismatch

    root, data, run_dir = run
    app = str(tmp_path / "m.safetensors")
    export.main(["--run", run_dir, "--weights", "ema", "--app", app])
    tensors, _, _ = load_app(app)
    warm = str(tmp_path / "warm")
    t = Trainer(RunSettings(data=data, **TINY), Steering(run_dir=warm, max_steps=2, ckpt_every_s=1e9, quiet=True,
                                                         init_from=app))
    assert t.step == 0  # a new run: steps, optimizer and schedule start afresh ...
    inner = t.model.model.inner
    torch.testing.assert_close(inner.lm_head.weight.detach(), tensors["lm_head.weight"])  # ... from the file's weights
    torch.testing.assert_close(t.ema.shadow["model.inner.lm_head.weight"], tensors["lm_head.weight"])
    t.run()
    export.main(["--run", warm, "--app", str(tmp_path / "w.safetensors"), "--card", str(tmp_path / "w.json")])
    card = json.loads((tmp_path / "w.json").read_text())
    assert card["trained_steps"] == 3 + 2 and card["initialised_from"]["path"] == app
    assert len(card["commands"]) == 2  # the source's command, then this run's
    with pytest.raises(SettingsMismatch, match="hidden_size"):
        Trainer(RunSettings(data=data, **{**TINY, "hidden_size": 32}),
                Steering(run_dir=str(tmp_path / "other"), max_steps=1, quiet=True, init_from=app))


def test_init_from_reads_the_step_count_from_the_card_beside_an_older_app_file(run, tmp_path):
    from trm.checkpoint import save_app

    root, data, run_dir = run
    model, cfg, _ = load_model(run_dir, "ema")
    app = tmp_path / "old.safetensors"
    save_app(str(app), model, cfg, card={"commands": ["python training/train.py ..."], "train_minutes": 1.5})
    (tmp_path / "old.json").write_text(json.dumps({"trained_steps": 7, "train_minutes": 1.5}))
    warm = str(tmp_path / "warm")
    Trainer(RunSettings(data=data, **TINY), Steering(run_dir=warm, max_steps=1, quiet=True, init_from=str(app)))
    origin = json.loads((tmp_path / "warm" / "run.json").read_text())["init_from"]
    assert origin["trained_steps"] == 7 and origin["commands"] == ["python training/train.py ..."]


def test_evaluate_scores_an_arc_split_with_official_voting(tmp_path):
    import evaluate
    from data.build_arc import build

    data = str(tmp_path / "arc")
    build(data, ["training"], "training", num_aug=3, canvas=6, seed=0, task_ids=["0d3d703e", "74dd1130"])
    run_dir = str(tmp_path / "run")
    tiny = {**TINY, "task": "arc", "halt_max_steps": 2}
    Trainer(RunSettings(data=data, **tiny), Steering(run_dir=run_dir, max_steps=2, ckpt_every_s=1e9, quiet=True)).run()
    r = evaluate.main(["--model", run_dir, "--data", data, "--json"])["results"][f"{data}:test"]
    v = r["arc_vote"]
    assert v["tasks"] == 2 and set(v["per_task"]) == {"0d3d703e", "74dd1130"}
    assert r["n"] == 2 * 4  # one test input per task, original + 3 augmentations
    # An untrained model: whatever it answers, pass@2 ≥ pass@1 and the single copy is scored on its own.
    assert 0.0 <= v["pass@1"] <= v["pass@2"] <= 1.0 and v["original_exact"] is not None
    assert "preds" not in r
