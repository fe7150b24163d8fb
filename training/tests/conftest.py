"""Shared test setup: `import trm` from training/, paths to the repo and its fixtures."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

TRAINING = Path(__file__).resolve().parent.parent
REPO = TRAINING.parent
FIXTURES = REPO / "tests" / "fixtures"
REFERENCE = FIXTURES / "reference"  # made by the official code (tests/fixtures/reference/README.md)

if str(TRAINING) not in sys.path:
    sys.path.insert(0, str(TRAINING))

torch.set_num_threads(1)  # the machine is shared; tiny models gain nothing from more threads


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.fail(f"official reference fixtures not found at {REFERENCE}")
    return REFERENCE
