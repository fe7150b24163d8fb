"""PyTorch twin of the official Tiny Recursion Model (TRM): config, model, loss head, checkpoints."""
from .config import ConfigError, TrmConfig, from_all_config_yaml, swiglu_intermediate
from .checkpoint import (CheckpointError, load_app, load_official, load_weights, save_app, save_official,
                         token_map)
from .loss import IGNORE_LABEL_ID, ACTLossHead, log_stablemax, stablemax_cross_entropy
from .model import ACTCarry, InnerCarry, TrmACT, TrmInner

__all__ = [
    "ConfigError", "TrmConfig", "from_all_config_yaml", "swiglu_intermediate",
    "IGNORE_LABEL_ID", "ACTLossHead", "log_stablemax", "stablemax_cross_entropy",
    "ACTCarry", "InnerCarry", "TrmACT", "TrmInner",
    "CheckpointError", "load_app", "load_official", "load_weights", "save_app", "save_official", "token_map",
]
