"""Turn product text and shoppers' queries into search tokens: Hangul bigrams, plain words.

Korean has no spaces inside compounds (``수제노트``) and glues particles to words (``비누를``),
so a Hangul run is indexed as its overlapping two-syllable pieces (``수제노트`` -> ``수제``,
``제노``, ``노트``): any word of two or more syllables inside it is found without a dictionary.
A one-syllable word is kept whole. Other words (English, digits) are kept whole, case-folded.
docs/search.md compares this with a morphological analyser and says why it won.

A query is a list of clauses that must all match; a clause is a list of alternatives, any of
which may match; an alternative is a list of terms that must all match. A query word with a
particle (``비누를``) becomes two alternatives: the word as typed, and the word without it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass

HANGUL = re.compile(r"[\uac00-\ud7a3]+")
WORD = re.compile(r"[^\W_]+")
# A word's pieces in one pass: a run of Hangul syllables, or a run of other letters/digits.
PIECE = re.compile(r"([\uac00-\ud7a3]+)|[^\W_\uac00-\ud7a3]+")

# Particles (josa) a shopper may type after a noun, longest first. Stripped only from the
# query, and only as an alternative, so a word that merely ends like one still matches.
PARTICLES = (
    "으로부터",
    "에서부터",
    "이라도",
    "에게서",
    "한테서",
    "으로서",
    "으로써",
    "이랑",
    "까지",
    "부터",
    "에서",
    "에게",
    "한테",
    "으로",
    "하고",
    "처럼",
    "보다",
    "마다",
    "조차",
    "에는",
    "에도",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "의",
    "와",
    "과",
    "로",
    "도",
    "만",
)
# These two end few nouns, so they may leave a one-syllable word behind (꿀을 -> 꿀).
SHORT_STEM_PARTICLES = ("을", "를")
MAX_QUERY_WORDS = 8
MAX_TOKENS = 4000  # per field: PostgreSQL keeps positions up to 16,383


@dataclass(frozen=True)
class Term:
    token: str
    prefix: bool = False  # also matches longer tokens starting with this one


Alternative = tuple[Term, ...]  # all must match
Clause = tuple[Alternative, ...]  # any may match


def normalise(text: str) -> str:
    """Fold width, compatibility forms and case, so ``ＳＯＡＰ`` reads as ``soap``."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def _pieces(word: str) -> list[tuple[str, bool]]:
    """Split a word into runs of Hangul and of anything else, marking the Hangul ones."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for found in HANGUL.finditer(word):
        if found.start() > last:
            pieces.append((word[last : found.start()], False))
        pieces.append((found.group(), True))
        last = found.end()
    if last < len(word):
        pieces.append((word[last:], False))
    return pieces


def bigrams(run: str) -> list[str]:
    """Overlapping two-syllable pieces of a Hangul run; a single syllable stays whole."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    """Return the index tokens of a text, in order (repeats kept, for ranking)."""
    found: list[str] = []
    for piece in PIECE.finditer(normalise(text)):
        run = piece.group()
        if piece.group(1) and len(run) > 1:
            found.extend([run[i : i + 2] for i in range(len(run) - 1)])
        else:
            found.append(run)
        if len(found) >= MAX_TOKENS:
            return found[:MAX_TOKENS]
    return found


def _hangul_terms(run: str) -> Alternative:
    if len(run) == 1:
        return (Term(run, prefix=True),)  # 꿀 finds 꿀 and 꿀벌
    return tuple(Term(piece) for piece in dict.fromkeys(bigrams(run)))


def _stems(run: str) -> list[str]:
    """The run without a trailing particle, where that leaves a plausible noun."""
    for particle in PARTICLES:
        stem = run[: -len(particle)]
        if run.endswith(particle) and (
            len(stem) >= 2 or (len(stem) == 1 and particle in SHORT_STEM_PARTICLES)
        ):
            return [stem]
    return []


def _clauses(piece: str, hangul: bool, last_piece: bool, prefixes: bool) -> Clause:
    if not hangul:
        # Words of three letters or more match as prefixes (soa -> soap).
        prefix = prefixes or (len(piece) >= 3 and not piece.isdigit())
        return ((Term(piece, prefix=prefix),),)
    if prefixes:  # a word being typed: its last syllable may begin a longer bigram
        terms = _hangul_terms(piece)
        return ((*terms[:-1], Term(terms[-1].token, prefix=True)),)
    alternatives = [_hangul_terms(piece)]
    if last_piece:
        alternatives += [_hangul_terms(stem) for stem in _stems(piece)]
    return tuple(alternatives)


def parse_query(text: str, prefixes: bool = False) -> list[Clause]:
    """Turn what a shopper typed into clauses that must all match; [] if nothing to find.

    With ``prefixes`` (suggestions while typing), every word's end matches as a prefix:
    ``햇`` finds ``햇살``, ``ca`` finds ``candle``; particles are not stripped.
    """
    clauses: list[Clause] = []
    for word in WORD.findall(normalise(text))[:MAX_QUERY_WORDS]:
        pieces = _pieces(word)
        for index, (piece, hangul) in enumerate(pieces):
            clauses.append(_clauses(piece, hangul, index == len(pieces) - 1, prefixes))
    return clauses


# "Did you mean": words a title or a venture's name offers, and the closest of them to a
# misspelt query word, compared letter by letter with Hangul syllables split into their jamo
# (so 비니 is one letter from 비누, not one syllable of two).
MAX_TERM = 40


def vocabulary(text: str) -> list[str]:
    """The words of a title or a name worth offering: Hangul words of two syllables or more,
    other words of three letters or more that are not numbers."""
    words: list[str] = []
    for piece in PIECE.finditer(normalise(text)):
        word = piece.group()
        if len(word) > MAX_TERM or word.isdigit():
            continue
        if (piece.group(1) and len(word) >= 2) or (not piece.group(1) and len(word) >= 3):
            words.append(word)
    return list(dict.fromkeys(words))


def jamo(word: str) -> str:
    """The word with each Hangul syllable split into its lead, vowel and tail jamo."""
    letters: list[str] = []
    for char in word:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            letters += [chr(0x1100 + code // 588), chr(0x1161 + code % 588 // 28)]
            if code % 28:
                letters.append(chr(0x11A7 + code % 28))
        else:
            letters.append(char)
    return "".join(letters)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance between a and b, or ``limit + 1`` once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def allowed_typos(word: str) -> int:
    """How many letters (jamo for Hangul) a word may be off by: one per three, at least one."""
    return max(1, len(jamo(word)) // 3)


def closest(word: str, candidates: list[str]) -> str | None:
    """The candidate nearest to ``word`` within its allowed typos (ties: the nearer length,
    then alphabetical), or None."""
    spelled, limit = jamo(word), allowed_typos(word)
    best: tuple[int, int, str] | None = None
    for candidate in candidates:
        if candidate == word:
            return word
        distance = edit_distance(spelled, jamo(candidate), limit)
        if distance <= limit:
            rank = (distance, abs(len(candidate) - len(word)), candidate)
            best = rank if best is None or rank < best else best
    return best[2] if best else None


def query_words(text: str) -> list[str]:
    """The words of a query as "did you mean" reads them (particles stay: see ``stem``)."""
    return [w for w in WORD.findall(normalise(text))[:MAX_QUERY_WORDS] if len(w) <= MAX_TERM]


def stem(word: str) -> str:
    """The word without a trailing particle where one is likely (비니를 -> 비니), else itself."""
    stems = _stems(word) if HANGUL.fullmatch(word) else []
    return stems[0] if stems else word


def matches(clauses: list[Clause], found: Set[str]) -> bool:
    """Whether a text with these tokens answers the query, as the index would decide."""

    def has(term: Term) -> bool:
        if term.prefix:
            return any(token.startswith(term.token) for token in found)
        return term.token in found

    return all(any(all(map(has, alt)) for alt in clause) for clause in clauses)
