"""Training batches from an official-format split, sampled as the official `_iter_train` does (docs/spec.md §5.2).

Each epoch visits the groups in a random order; for each group one random augmented puzzle is picked and its
examples (in random order) are added until the global batch is full; an incomplete last batch is dropped.
All ranks draw the same global batch and take their own slice. The state (epoch, position, RNG) is saved in
checkpoints so a resumed run sees the same batches.
"""
from __future__ import annotations

import numpy as np
import torch

from data.official_format import load_split

IGNORE_LABEL_ID = -100


class TrainSampler:
    def __init__(self, data_root: str, global_batch: int, seed: int = 0, rank: int = 0, world_size: int = 1,
                 split: str = "train"):
        self.meta, arr = load_split(data_root, split)
        self.inputs, self.labels = arr["inputs"], arr["labels"]
        self.puzzle_identifiers = arr["puzzle_identifiers"]
        self.puzzle_indices, self.group_indices = arr["puzzle_indices"], arr["group_indices"]
        if global_batch % world_size:
            raise ValueError(f"global batch {global_batch} is not divisible by world size {world_size}")
        self.global_batch, self.seed, self.rank, self.world_size = global_batch, seed, rank, world_size
        self.n_groups = len(self.group_indices) - 1
        if self.n_groups == 0:
            raise ValueError(f"{data_root}/{split} has no groups")
        self.epoch, self.start = 0, 0
        self._new_epoch(0)

    def _new_epoch(self, epoch: int):
        self.epoch, self.start = epoch, 0
        self.rng = np.random.Generator(np.random.Philox(seed=self.seed + epoch))
        self.order = self.rng.permutation(self.n_groups)

    def _global_indices(self) -> tuple[np.ndarray, np.ndarray]:
        while True:
            ex, pz = [], []
            size = 0
            batch_began_at = self.start
            while self.start < self.n_groups and size < self.global_batch:
                g = self.order[self.start]
                self.start += 1
                p = int(self.rng.integers(self.group_indices[g], self.group_indices[g + 1]))
                first, count = int(self.puzzle_indices[p]), int(self.puzzle_indices[p + 1] - self.puzzle_indices[p])
                take = min(count, self.global_batch - size)
                ex.append(first + self.rng.choice(count, take, replace=False))
                pz.append(np.full(take, p))
                size += take
            if size == self.global_batch:
                return np.concatenate(ex), np.concatenate(pz)
            if batch_began_at == 0:  # a whole epoch was drawn and did not fill one batch
                raise ValueError(
                    f"one epoch of this dataset ({self.n_groups} groups, {size} examples drawn) cannot fill a global "
                    f"batch of {self.global_batch}: lower --global-batch or use a larger dataset")
            self._new_epoch(self.epoch + 1)  # the incomplete tail of an epoch is dropped

    def next_batch(self, device) -> dict[str, torch.Tensor]:
        ex, pz = self._global_indices()
        local = slice(self.rank * (self.global_batch // self.world_size), (self.rank + 1) * (self.global_batch // self.world_size))
        ex, pz = ex[local], pz[local]
        labels = self.labels[ex].astype(np.int64)
        labels[labels == self.meta["ignore_label_id"]] = IGNORE_LABEL_ID
        return {
            "inputs": torch.from_numpy(self.inputs[ex].astype(np.int32)).to(device),
            "labels": torch.from_numpy(labels).to(device),
            "puzzle_identifiers": torch.from_numpy(self.puzzle_identifiers[pz].astype(np.int32)).to(device),
        }

    @property
    def examples_per_epoch(self) -> float:
        return self.n_groups * self.meta["mean_puzzle_examples"]

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "start": self.start, "rng": self.rng.bit_generator.state, "order": self.order}

    def load_state_dict(self, s: dict) -> None:
        self.epoch, self.start, self.order = s["epoch"], s["start"], s["order"]
        self.rng = np.random.Generator(np.random.Philox(seed=0))
        self.rng.bit_generator.state = s["rng"]
