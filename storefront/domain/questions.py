"""Product questions (상품문의): how long a question or an answer may be, and who may read one.

A question is public, or private ("secret"): a private question's text and its answer are
for the asker, the venture's staff and the operators only; everyone else sees that there is
one. A question or answer an operator hid is for the operators only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storefront.domain.errors import QuestionRefused

MAX_QUESTION = 1000  # characters
MAX_ANSWER = 2000


@dataclass(frozen=True)
class Viewer:
    """Who is reading: a signed-in user's id, whether they are an operator, and the ventures
    whose staff they are. ``ANYONE`` is every visitor (what a shared, cached page may show)."""

    user_id: int | None = None
    operator: bool = False
    venture_ids: frozenset[int] = field(default_factory=frozenset)


ANYONE = Viewer()


def may_read(viewer: Viewer, *, private: bool, asker_id: int, venture_id: int) -> bool:
    """Whether ``viewer`` may read a question's text (and its answer)."""
    if not private or viewer.operator or venture_id in viewer.venture_ids:
        return True
    return viewer.user_id is not None and viewer.user_id == asker_id


def clean_question(text: str) -> str:
    """The question as it is kept; raises ``QuestionRefused`` when it is empty or too long."""
    return _clean(text, MAX_QUESTION, "question")


def clean_answer(text: str) -> str:
    """The answer as it is kept; raises ``QuestionRefused`` when it is empty or too long."""
    return _clean(text, MAX_ANSWER, "answer")


def _clean(text: str, maximum: int, field_name: str) -> str:
    kept = text.strip()
    if not kept:
        raise QuestionRefused("question.empty", field=field_name)
    if len(kept) > maximum:
        raise QuestionRefused("question.too_long", field=field_name, max=maximum)
    return kept
