"""Shared test setup: `import trm` from training/, paths to the repo and to ../shared (relative to the repo)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

TRAINING = Path(__file__).resolve().parent.parent
REPO = TRAINING.parent
SHARED_REFERENCE = (REPO / ".." / "shared" / "reference").resolve()
FIXTURES = REPO / "tests" / "fixtures"

if str(TRAINING) not in sys.path:
    sys.path.insert(0, str(TRAINING))

torch.set_num_threads(1)  # the machine is shared; tiny models gain nothing from more threads


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    if not SHARED_REFERENCE.is_dir():
        pytest.fail(f"official reference fixtures not found at {SHARED_REFERENCE} (expected ../shared/reference "
                    "next to the repo)")
    return SHARED_REFERENCE
