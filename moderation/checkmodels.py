"""Which learned model the guideline checks use: the active version, per process.

The active version is the latest ``CheckModelActivation``; with none, the
model shipped with the code (``moderation/checks/model/weights.npz``).
``CHECKS_MODEL_ENABLED=false`` turns the learned layer off (rules only).

Like the term lists (``moderation.screening``), each process keeps a copy
that is trusted while a version token in the shared cache is unchanged and
re-validated against the table (one small query on the activation log) at
least every MODEL_RECHECK_SECONDS. An activation replaces the token when its
transaction commits, so every process uses the new version on its next
comment, without a restart and without a database query per comment.

A version's weights are read from the database and parsed once per process
(a small LRU of loaded models keyed by version); a version whose bytes do not
load is logged and the shipped model is used instead, so a bad row can never
fail a submission. Writes (activating, training) live in moderation.services.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from moderation.checks.model import LinearModel, shipped_model
from moderation.models import CheckModelActivation, CheckModelVersion

MODEL_VERSION_KEY = "check-model:version"
# Longest a process uses its copy without asking the activation log.
MODEL_RECHECK_SECONDS = 5.0
# Loaded models kept per process (an int8 model is about 1.3 MB).
LOADED_MODELS_MAX = 4

logger = logging.getLogger(__name__)

_NOT_READ = ("not read",)  # a stamp no table read ever gives


@dataclass(frozen=True)
class _ModelCopy:
    """This process's active model, the activation it came from (stamp) and the shared token it was checked under."""

    model: LinearModel | None
    stamp: tuple | None
    token: str | None
    checked_at: float


_clock = time.monotonic  # patched by tests to step past MODEL_RECHECK_SECONDS
# Replaced whole (never mutated), so threads share it without a lock.
_copy = _ModelCopy(model=None, stamp=_NOT_READ, token=None, checked_at=float("-inf"))
_loaded: OrderedDict[str, LinearModel] = OrderedDict()  # by version (a hash of the weights)
_loaded_lock = threading.Lock()


def active_check_model() -> LinearModel | None:
    """The model for a new comment (None: the learned layer is off): no database query while nothing changed."""
    if not settings.CHECKS_MODEL_ENABLED:
        return None
    token = check_model_token()
    current = _copy
    if token is not None and current.token == token and _clock() - current.checked_at < MODEL_RECHECK_SECONDS:
        return current.model
    # The token was read before the table: an activation committed meanwhile has
    # replaced it, so what is read here is never trusted past that activation.
    return _refresh(token=token)


def current_check_model() -> LinearModel | None:
    """The active model as the activation log says now (for rechecks and training): one small query."""
    if not settings.CHECKS_MODEL_ENABLED:
        return None
    return active_model_now()


def active_model_now() -> LinearModel | None:
    """Like current_check_model() but regardless of CHECKS_MODEL_ENABLED (training starts from it)."""
    return _refresh(token=_copy.token, keep_token_if_unchanged=True)


def _refresh(*, token: str | None, keep_token_if_unchanged: bool = False) -> LinearModel | None:
    global _copy
    started = _clock()
    current = _copy
    stamp = _activation_stamp()
    if stamp == current.stamp:
        model = current.model
    else:
        model = _model_for(stamp)
        if keep_token_if_unchanged:
            token = None  # read outside the token check: the next comment checks again
    _copy = _ModelCopy(model=model, stamp=stamp, token=token, checked_at=started)
    return model


def _activation_stamp() -> tuple | None:
    """(activation id, version id, version) of the latest activation; None when nothing was ever activated."""
    return CheckModelActivation.objects.order_by("-id").values_list("id", "version_id", "version__version").first()


def _model_for(stamp: tuple | None) -> LinearModel | None:
    if stamp is None:
        return shipped_or_none()
    return load_version(stamp[2])


def load_version(version: str) -> LinearModel | None:
    """The stored model `version`, parsed once per process; the shipped model if it does not load."""
    with _loaded_lock:
        model = _loaded.get(version)
        if model is not None:
            _loaded.move_to_end(version)
            return model
    data = CheckModelVersion.objects.filter(version=version).values_list("data", flat=True).first()
    try:
        if data is None:  # cannot happen (PROTECT), but never fail a submission over it
            raise ValueError("no such version")
        model = LinearModel.from_bytes(bytes(data))
        if model.version != version:
            raise ValueError(f"the stored weights are version {model.version}")
    except Exception:
        logger.exception("check model %s could not be loaded; using the shipped model", version)
        return shipped_or_none()
    with _loaded_lock:
        _loaded[version] = model
        _loaded.move_to_end(version)
        while len(_loaded) > LOADED_MODELS_MAX:
            _loaded.popitem(last=False)
    return model


def shipped_or_none() -> LinearModel | None:
    """The model shipped with the code; None (rules only) if its file is missing or broken."""
    try:
        return shipped_model()
    except Exception:
        logger.exception("the shipped check model could not be loaded; the checks run on the rules alone")
        return None


def check_model_token() -> str | None:
    """The shared active-model version token; None when the cache cannot be reached."""
    token = cache.get(MODEL_VERSION_KEY)
    if token is None:
        # add() keeps a token another process set meanwhile; re-read to use the winner.
        fresh = uuid.uuid4().hex
        if cache.add(MODEL_VERSION_KEY, fresh, timeout=None):
            return fresh
        token = cache.get(MODEL_VERSION_KEY)
    return token


def forget_local_check_model() -> None:
    """Make this process re-read the activation log on its next comment (it activated a version itself)."""
    global _copy
    _copy = _ModelCopy(model=_copy.model, stamp=_NOT_READ, token=None, checked_at=float("-inf"))


def bump_check_model_version() -> None:
    """After an activation committed: every process's copy stops being trusted on its next comment."""
    try:
        cache.set(MODEL_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.exception("could not publish the check model activation to the shared cache")


def clear_loaded_models() -> None:
    """Forget every parsed model and the active copy (tests)."""
    with _loaded_lock:
        _loaded.clear()
    forget_local_check_model()
