"""--changed-weight: the official loss when 1, and a weighted mean that favours the cells whose label differs from
the input (a maze's path) otherwise."""
import torch

from trm.loss import IGNORE_LABEL_ID, lm_loss_per_row, stablemax_cross_entropy


def _case():
    torch.manual_seed(0)
    logits = torch.randn(2, 6, 4)
    inputs = torch.tensor([[1, 1, 2, 2, 3, 3], [0, 1, 2, 3, 0, 1]])
    labels = torch.tensor([[1, 2, 2, 2, 3, IGNORE_LABEL_ID], [0, 1, 2, 3, 0, 1]])
    valid = labels != IGNORE_LABEL_ID
    return stablemax_cross_entropy(logits, labels, valid), valid, labels, inputs


def test_weight_one_is_the_official_expression():
    ce, valid, labels, inputs = _case()
    official = (ce / valid.sum(-1).clamp_min(1).unsqueeze(-1)).sum(-1)
    assert torch.equal(lm_loss_per_row(ce, valid, labels, inputs, 1.0), official)


def test_changed_cells_count_more_and_ignored_cells_not_at_all():
    ce, valid, labels, inputs = _case()
    w = 5.0
    got = lm_loss_per_row(ce, valid, labels, inputs, w)
    # Row 0: cells 0, 2, 3, 4 unchanged (weight 1), cell 1 changed (weight 5), cell 5 ignored.
    want0 = (ce[0, 0] + w * ce[0, 1] + ce[0, 2] + ce[0, 3] + ce[0, 4]) / (4 + w)
    assert torch.allclose(got[0], want0)
    # Row 1 copies its input: no changed cell, so the plain mean.
    assert torch.allclose(got[1], ce[1].mean())
