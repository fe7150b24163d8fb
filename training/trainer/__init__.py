"""Training loop for the official-compatible TRM (spec §5): optimizers, EMA, sampling, checkpoints, logging."""
