"""The model trained on the bundled examples is kept on disk by the first process that trains it, and
loaded by the next ones (suggestions.routing.keep): a web or worker process starting after another does
not spend seconds of CPU training the same model again."""

from __future__ import annotations

import pytest

from suggestions.routing import classifier, keep
from suggestions.routing.classifier import Classifier
from tests.factories.routing import first_of_each_category

TEXTS = ["村里公路坑洼严重，建议修缮", "学校食堂卫生差，希望加强检查", "希望增加公交班次"]


@pytest.fixture(scope="module")
def small_examples() -> list[tuple[str, str]]:
    return first_of_each_category(8)


@pytest.fixture(scope="module")
def small_model(small_examples) -> Classifier:
    """One real model for the module (training takes seconds); the tests count trainings, not redo them."""
    return Classifier.train(small_examples)


@pytest.fixture
def trainings(monkeypatch, small_model) -> list[int]:
    """How many times a model was trained (each entry: the number of examples); each training hands
    back the module's real model, so what is kept and loaded is a real one."""
    calls: list[int] = []

    def counted(cls, examples, *args, **kwargs):
        calls.append(len(examples))
        return small_model

    monkeypatch.setattr(Classifier, "train", classmethod(counted))
    return calls


def test_the_second_process_loads_the_kept_model_instead_of_training(tmp_path, small_examples, trainings):
    first = keep.train_or_load(small_examples, tmp_path)
    second = keep.train_or_load(small_examples, tmp_path)
    assert trainings == [len(small_examples)]
    assert len(list(tmp_path.glob("*.joblib"))) == 1
    assert second is not first
    assert [p.category for p in second.predict_many(TEXTS)] == [p.category for p in first.predict_many(TEXTS)]
    assert second.probabilities(TEXTS).tolist() == first.probabilities(TEXTS).tolist()


def test_other_examples_or_weights_train_a_model_of_their_own(tmp_path, small_examples, trainings):
    keep.train_or_load(small_examples, tmp_path)
    keep.train_or_load(small_examples[:-1], tmp_path)
    keep.train_or_load(small_examples, tmp_path, weights=[2.0] * len(small_examples))
    assert len(trainings) == 3
    assert len(list(tmp_path.glob("*.joblib"))) == 3


def test_a_damaged_kept_file_is_trained_again_and_replaced(tmp_path, small_examples, trainings):
    path = tmp_path / f"{keep.fingerprint(small_examples)}.joblib"
    path.write_bytes(b"not a model at all")
    model = keep.train_or_load(small_examples, tmp_path)
    assert trainings == [len(small_examples)]
    assert Classifier.loads(path.read_bytes()).training_size == model.training_size
    assert not list(tmp_path.glob("*.tmp"))


def test_a_new_model_pushes_the_oldest_out_beyond_the_limit(tmp_path, small_examples, trainings):
    import os

    for age, size in enumerate((len(small_examples) - 1, len(small_examples) - 2)):
        keep.train_or_load(small_examples[:size], tmp_path, keep_at_most=2)
        for path in tmp_path.glob("*.joblib"):  # the ones written so far are older
            os.utime(path, (path.stat().st_mtime - 100 * (age + 1),) * 2)
    oldest = min(tmp_path.glob("*.joblib"), key=lambda p: p.stat().st_mtime)
    keep.train_or_load(small_examples, tmp_path, keep_at_most=2)
    left = set(tmp_path.glob("*.joblib"))
    assert len(left) == 2 and oldest not in left
    assert tmp_path / f"{keep.fingerprint(small_examples)}.joblib" in left


def test_without_a_directory_nothing_is_kept(tmp_path, small_examples, trainings):
    keep.train_or_load(small_examples, None)
    keep.train_or_load(small_examples, None)
    assert len(trainings) == 2


def test_processes_starting_together_train_once_and_the_others_load(tmp_path, small_examples, small_model, monkeypatch):
    import threading
    import time

    trainings = []

    def slow(cls, examples, *args, **kwargs):  # a training takes a while: long enough for the others to arrive
        trainings.append(len(examples))
        time.sleep(0.3)
        return small_model

    monkeypatch.setattr(Classifier, "train", classmethod(slow))
    started = threading.Barrier(3)
    models = []

    def start():
        started.wait()
        models.append(keep.train_or_load(small_examples, tmp_path))

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # one trained (under the lock), the two that waited loaded what it kept
    assert trainings == [len(small_examples)]
    assert len(models) == 3


def test_the_fingerprint_changes_with_the_code_that_shapes_training(monkeypatch, small_examples):
    before = keep.fingerprint(small_examples)
    monkeypatch.setattr(classifier, "_LEXICON_WEIGHT", classifier._LEXICON_WEIGHT + 1)
    assert keep.fingerprint(small_examples) != before


def test_the_bundled_model_is_kept_where_the_settings_say(settings, tmp_path, monkeypatch, small_examples, trainings):
    # The app sets KEEP_DIR from ROUTER_MODEL_DIR; a new process (no model in memory) loads what is kept.
    from django.apps import apps

    monkeypatch.setattr(classifier, "KEEP_DIR", classifier.KEEP_DIR)  # put back after the test
    settings.ROUTER_MODEL_DIR = str(tmp_path / "router")
    apps.get_app_config("suggestions").ready()
    assert classifier.KEEP_DIR == tmp_path / "router"
    monkeypatch.setattr(classifier, "load_examples", lambda: small_examples)
    for _process in range(2):
        monkeypatch.setattr(classifier, "_default_classifier", None)
        classifier.default_classifier()
    assert trainings == [len(small_examples)]
    assert len(list((tmp_path / "router").glob("*.joblib"))) == 1
