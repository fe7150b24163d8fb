"""The official TRM on-disk dataset format (docs/spec.md §3.4), written and read with numpy.

<out>/{train,test}/dataset.json + all__{inputs,labels,puzzle_identifiers,puzzle_indices,group_indices}.npy,
<out>/identifiers.json. A "puzzle" is one augmented copy (with its own identifier id); a "group" is an
original puzzle plus all its augmented copies; a puzzle holds one or more examples (input/label pairs).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np

ARRAYS = ("inputs", "labels", "puzzle_identifiers", "puzzle_indices", "group_indices")


@dataclass
class SplitBuilder:
    """Accumulates groups -> puzzles -> examples, then writes one split."""
    seq_len: int
    inputs: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    puzzle_identifiers: list = field(default_factory=list)
    puzzle_indices: list = field(default_factory=lambda: [0])
    group_indices: list = field(default_factory=lambda: [0])

    def add_puzzle(self, identifier: int, examples: list[tuple[np.ndarray, np.ndarray]]):
        for inp, lab in examples:
            assert inp.size == self.seq_len and lab.size == self.seq_len, "example does not match seq_len"
            self.inputs.append(np.asarray(inp, np.uint8).reshape(-1))
            self.labels.append(np.asarray(lab, np.uint8).reshape(-1))
        self.puzzle_identifiers.append(identifier)
        self.puzzle_indices.append(len(self.inputs))

    def end_group(self):
        self.group_indices.append(len(self.puzzle_identifiers))

    def write(self, out_dir: str, vocab_size: int, num_puzzle_identifiers: int, pad_id=0, ignore_label_id=0,
              blank_identifier_id=0):
        os.makedirs(out_dir, exist_ok=True)
        n_puzzles = len(self.puzzle_identifiers)
        arrays = {
            "inputs": np.stack(self.inputs) if self.inputs else np.zeros((0, self.seq_len), np.uint8),
            "labels": np.stack(self.labels) if self.labels else np.zeros((0, self.seq_len), np.uint8),
            "puzzle_identifiers": np.asarray(self.puzzle_identifiers, np.int32),
            "puzzle_indices": np.asarray(self.puzzle_indices, np.int32),
            "group_indices": np.asarray(self.group_indices, np.int32),
        }
        for name, arr in arrays.items():
            np.save(os.path.join(out_dir, f"all__{name}.npy"), arr)
        meta = {
            "pad_id": pad_id, "ignore_label_id": ignore_label_id, "blank_identifier_id": blank_identifier_id,
            "vocab_size": vocab_size, "seq_len": self.seq_len, "num_puzzle_identifiers": num_puzzle_identifiers,
            "total_groups": len(self.group_indices) - 1,
            "mean_puzzle_examples": (len(self.inputs) / n_puzzles) if n_puzzles else 0.0,
            "total_puzzles": n_puzzles, "sets": ["all"],
        }
        with open(os.path.join(out_dir, "dataset.json"), "w") as f:
            json.dump(meta, f)


def write_identifiers(out_root: str, names: list[str]):
    os.makedirs(out_root, exist_ok=True)
    with open(os.path.join(out_root, "identifiers.json"), "w") as f:
        json.dump(names, f)


def load_split(root: str, split: str) -> tuple[dict, dict[str, np.ndarray]]:
    """Returns (dataset.json as dict, arrays by name). Raises with the remedy when the folder is missing."""
    d = os.path.join(root, split)
    meta_path = os.path.join(d, "dataset.json")
    if not os.path.exists(meta_path):
        raise FileNotFoundError(f"{meta_path} not found: build the dataset first (python training/data/build_*.py --out {root})")
    with open(meta_path) as f:
        meta = json.load(f)
    arrays = {name: np.load(os.path.join(d, f"all__{name}.npy")) for name in ARRAYS}
    return meta, arrays


def load_identifiers(root: str) -> list[str]:
    with open(os.path.join(root, "identifiers.json")) as f:
        return json.load(f)
