"""The learned layer of the guideline checks (numpy only at run time).

``shipped_model()`` loads the model trained by ``manage.py train_checks`` and
committed beside this file (``weights.npz``, described in ``MODEL_CARD.md``).
The engine uses a model only when ``CheckContext.model`` carries one; the
Django side passes the active version (``moderation.checkmodels``).
Training lives in ``training.py`` and is imported only by the commands.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .linear import RULE, LinearModel, ModelAssessment

SHIPPED_PATH = Path(__file__).with_name("weights.npz")
CARD_PATH = Path(__file__).with_name("MODEL_CARD.md")


@lru_cache(maxsize=1)
def shipped_model() -> LinearModel:
    """The model committed with the code (loaded once per process)."""
    return LinearModel.from_bytes(SHIPPED_PATH.read_bytes())


__all__ = ["RULE", "LinearModel", "ModelAssessment", "SHIPPED_PATH", "CARD_PATH", "shipped_model"]
