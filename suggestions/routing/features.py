"""What the classifier reads in a text: jieba words, characters and bigrams, the ask, and the remits.

``AskFeatures`` turns texts into the model's feature matrix; the tokenizers are shared with the
similar-suggestion index (``suggestions.similarity``). Plain Python, no Django.
"""

from __future__ import annotations

import csv
import logging
import re
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import jieba
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from suggestions.routing.ask import split_ask

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LEXICON_CSV = DATA_DIR / "category_lexicon.csv"
# Each department type's main duties in a few lines (our own words, after public 三定 and 权责清单 practice).
REMITS_CSV = DATA_DIR / "department_remits.csv"
USER_DICT = DATA_DIR / "user_dict.txt"

# Lexicon terms enter jieba with a frequency high enough to be kept whole when segmenting.
_LEXICON_WORD_FREQ = 2000
# A run of characters that carries no words: punctuation, whitespace, digits, underscores.
_SEPARATORS = re.compile(r"[\W\d_]+")
# Character-bigram tokens get a prefix so that they never collide with a two-character jieba word.
_BIGRAM_PREFIX = "#"



@cache
def load_remits(path: Path = REMITS_CSV) -> dict[str, str]:
    """Read the department remits: category code -> a short text of that department's main duties."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["category"]: row["remit"] for row in csv.DictReader(handle)}


@cache
def load_lexicon(path: Path = LEXICON_CSV) -> dict[str, tuple[str, ...]]:
    """Read the category lexicon: category code -> terms typical of that category's remit."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["category"]: tuple(row["terms"].split()) for row in csv.DictReader(handle)}


def normalize(text: str) -> str:
    """Fold full-width forms and case so that ``５Ｇ``, ``5g`` and ``5G`` read the same."""
    return unicodedata.normalize("NFKC", text).lower()


_segmenter: jieba.Tokenizer | None = None
_segmenter_lock = threading.Lock()


def _get_segmenter() -> jieba.Tokenizer:
    """Return the process-wide jieba segmenter, loading its dictionary on first use only."""
    global _segmenter
    if _segmenter is None:
        with _segmenter_lock:
            if _segmenter is None:
                # A private Tokenizer keeps our domain words out of jieba's global default instance.
                segmenter = jieba.Tokenizer()
                jieba.setLogLevel(logging.WARNING)
                segmenter.initialize()
                segmenter.load_userdict(str(USER_DICT))
                for terms in load_lexicon().values():
                    for term in terms:
                        segmenter.add_word(normalize(term), freq=_LEXICON_WORD_FREQ)
                _segmenter = segmenter
    return _segmenter


def word_tokens(text: str) -> list[str]:
    """The words jieba finds in a text (normalised; punctuation, digits and whitespace dropped)."""
    return [word for word in _get_segmenter().cut(normalize(text)) if not _SEPARATORS.fullmatch(word)]


def character_ngrams(text: str) -> list[str]:
    """Single characters and character bigrams of each run of word characters, prefixed with ``#``."""
    runs = _SEPARATORS.split(normalize(text))
    return [_BIGRAM_PREFIX + run[i : i + n] for run in runs for n in (1, 2) for i in range(len(run) - n + 1)]


def tokenize(text: str) -> list[str]:
    """Split a text into jieba words plus prefixed character bigrams (the similar-suggestion index uses it)."""
    text = normalize(text)
    words = [word for word in _get_segmenter().cut(text) if not _SEPARATORS.fullmatch(word)]
    bigrams = [
        _BIGRAM_PREFIX + run[i : i + 2] for run in _SEPARATORS.split(text) for i in range(len(run) - 1)
    ]
    return words + bigrams


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    """``word_tokens`` kept for repeated texts: one suggestion is segmented once per prediction."""
    return tuple(word_tokens(text))


def _identity(tokens):
    """The analyzer of a vectorizer fed ready-made token lists (module level, so the model pickles)."""
    return tokens


def _remit_tokens(text: str) -> list[str]:
    return list(_words(text)) + character_ngrams(text)


class AskFeatures(TransformerMixin, BaseEstimator):
    """Features of a text that keep the ask apart from the setting (``suggestions.routing.ask``).

    Blocks, each L2-normalised on its own: the whole text's jieba words and its characters and
    character bigrams (as before); the same two for the ask alone, weighted by ``ask_weight``, so that
    a word in the request (涵洞, 过期, 工资) counts above the same word in the story around it; and how
    close the ask and the whole text come to each department's remit (``data/department_remits.csv``,
    cosine of TF-IDF vectors), one column per category, a second signal for words no example used.
    A block whose weight is 0 is left out: the shipped router reads the whole text only, because the ask and
    remit blocks cost accuracy on writers held out (``classifier._ASK_WEIGHT``); the ask still sends a
    text to triage when it points elsewhere (``classifier.triage_reasons``).
    """

    def __init__(self, ask_weight: float = 1.0, remit_weight: float = 1.0) -> None:
        self.ask_weight = ask_weight
        self.remit_weight = remit_weight

    def fit(self, texts, y=None):
        texts = list(texts)
        self.words_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit([_words(normalize(t)) for t in texts])
        self.chars_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit([character_ngrams(t) for t in texts])
        # A block weighted 0 is left out altogether: neither fitted nor computed nor a column of the model.
        self.ask_words_ = self.ask_chars_ = self.remit_vectorizer_ = self.remit_matrix_ = None
        self.remit_codes_ = ()
        if self.ask_weight:
            asks = [split_ask(normalize(text)).ask for text in texts]
            self.ask_words_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit([_words(a) for a in asks])
            self.ask_chars_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit([character_ngrams(a) for a in asks])
        if self.remit_weight:
            remits = load_remits()
            self.remit_codes_ = tuple(remits)
            self.remit_vectorizer_ = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
            self.remit_matrix_ = self.remit_vectorizer_.fit_transform(
                [_remit_tokens(normalize(remits[c])) for c in self.remit_codes_]
            )
        return self

    def remit_similarity(self, texts) -> np.ndarray:
        """Cosine of each text with each remit: one row per text, columns in ``remit_codes_`` order."""
        vectors = self.remit_vectorizer_.transform([_remit_tokens(normalize(text)) for text in texts])
        return np.asarray((vectors @ self.remit_matrix_.T).todense())

    def transform(self, texts):
        texts = list(texts)
        blocks = [
            self.words_.transform([_words(normalize(t)) for t in texts]),
            self.chars_.transform([character_ngrams(t) for t in texts]),
        ]
        if self.ask_weight or self.remit_weight:
            asks = [split_ask(normalize(text)).ask for text in texts]
        if self.ask_weight:
            blocks += [
                self.ask_words_.transform([_words(a) for a in asks]) * self.ask_weight,
                self.ask_chars_.transform([character_ngrams(a) for a in asks]) * self.ask_weight,
            ]
        if self.remit_weight:
            blocks += [
                sparse.csr_matrix(self.remit_similarity(asks) * self.remit_weight),
                sparse.csr_matrix(self.remit_similarity(texts) * self.remit_weight),
            ]
        return sparse.hstack(blocks, format="csr")

    def feature_names(self) -> list[str]:
        """A readable name per column: the word or characters, marked when they come from the ask."""
        names = [str(w) for w in self.words_.get_feature_names_out()]
        names += [str(w).lstrip(_BIGRAM_PREFIX) for w in self.chars_.get_feature_names_out()]
        if self.ask_weight:
            names += ["诉求:" + str(w) for w in self.ask_words_.get_feature_names_out()]
            names += ["诉求:" + str(w).lstrip(_BIGRAM_PREFIX) for w in self.ask_chars_.get_feature_names_out()]
        if self.remit_weight:
            names += [f"诉求近「{c}」职责" for c in self.remit_codes_]
            names += [f"全文近「{c}」职责" for c in self.remit_codes_]
        return names
