"""Training loop for the official-compatible TRM (docs/spec.md §5): optimizers, EMA, sampling, checkpoints, logging."""
