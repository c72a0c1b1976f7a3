"""A trained model kept on disk, so that a process does not train again what another one already has.

Training on the bundled examples costs seconds of CPU, and every web process and every Celery worker
needs the same model when it starts (config/warmup.py); so does each evaluation run. The first process
to train a model writes it here under a fingerprint of everything that shapes training: the examples
and their weights, the code of the ask, the features and the classifier, the lexicon and the remits,
the model format and the scikit-learn version. The others load it. A change to any of them trains anew;
a file that cannot be loaded is trained again and replaced.

Only this application's own files are loaded (unpickling runs code), as with the stored model versions.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import sklearn

from suggestions.routing import ask, classifier, features

logger = logging.getLogger(__name__)


def fingerprint(examples: Sequence[tuple[str, str]], weights: Sequence[float] | None = None) -> str:
    digest = hashlib.sha256()
    shaping = [
        inspect.getsource(ask), inspect.getsource(features), inspect.getsource(classifier),
        repr([getattr(classifier, name) for name in sorted(vars(classifier)) if name.isupper() and name.startswith("_")]),
        f"{classifier.FORMAT_VERSION} {sklearn.__version__}",
        features.LEXICON_CSV.read_text(encoding="utf-8"), features.REMITS_CSV.read_text(encoding="utf-8"),
        json.dumps([list(examples), None if weights is None else [round(w, 6) for w in weights]], ensure_ascii=False),
    ]
    for part in shaping:
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()[:24]


def train_or_load(
    examples: Sequence[tuple[str, str]],
    directory: Path | None,
    weights: Sequence[float] | None = None,
    *,
    keep_at_most: int | None = None,
) -> classifier.Classifier:
    """``Classifier.train(examples, weights)``, or the same model kept in ``directory`` by an earlier
    training (``None``: always train, keep nothing). With ``keep_at_most``, a new model pushes the oldest
    out of the directory beyond that many (a model is about 10 MB, and each change of code or examples
    makes a new one)."""
    if directory is None:
        return classifier.Classifier.train(examples, weights=weights)
    path = Path(directory) / f"{fingerprint(examples, weights)}.joblib"
    kept = _load(path)
    if kept is not None:
        return kept
    # Processes starting together (a deploy's web and worker processes) wait for the first one to
    # train rather than each training the same model; then they load what it kept.
    with _only_one_trains(Path(directory)):
        kept = _load(path)
        if kept is not None:
            return kept
        trained = classifier.Classifier.train(examples, weights=weights)
        try:
            # Written whole, then renamed: a reader sees the old file or none, never half of one.
            partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            partial.write_bytes(trained.dumps())
            os.replace(partial, path)
            if keep_at_most is not None:
                _prune(path.parent, keep_at_most)
        except OSError:
            logger.warning("could not keep the router model in %s", directory, exc_info=True)
    return trained


def _load(path: Path) -> classifier.Classifier | None:
    try:
        return classifier.Classifier.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign file: train again and replace it
        logger.warning("kept router model %s cannot be loaded; training again", path, exc_info=True)
        return None


@contextlib.contextmanager
def _only_one_trains(directory: Path):
    """An exclusive lock on ``directory/.lock`` (POSIX ``flock``); without one (no fcntl, a read-only
    directory) every process trains for itself, as before the model was kept."""
    try:
        import fcntl

        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / ".lock", "a")  # noqa: SIM115 - held until the block ends
    except (ImportError, OSError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(directory: Path, keep_at_most: int) -> None:
    kept = sorted(directory.glob("*.joblib"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in kept[keep_at_most:]:
        old.unlink(missing_ok=True)
