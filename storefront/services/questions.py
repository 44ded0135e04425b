"""Product questions (상품문의): shoppers ask, the venture answers once (and may edit its
answer), operators hide abuse. Who may read what is domain/questions.py's ``may_read``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from storefront.domain import questions as rules
from storefront.domain.errors import QuestionRefused
from storefront.models import Product, Question, User
from storefront.services import notify
from storefront.services.pagination import Page, PageRequest, paginate

COUNT_UP_TO = 999  # a product with more says "999+"
PARTS = ("question", "answer")  # what an operator can hide


@dataclass(frozen=True)
class QuestionView:
    """A question as one reader may see it: the text only when they may read it."""

    id: int
    created_at: datetime
    private: bool
    readable: bool
    mine: bool
    body: str  # "" when the reader may not read it
    answered: bool  # an answer is there for this reader (not hidden by an operator)
    answer: str  # "" when unanswered, hidden, or not for this reader
    answered_at: datetime | None


def view(question: Question, viewer: rules.Viewer) -> QuestionView:
    """What ``viewer`` may see of ``question``."""
    readable = rules.may_read(
        viewer,
        private=question.private,
        asker_id=question.asker_id,
        venture_id=question.venture_id,
    )
    answered = question.answered and not question.answer_hidden
    return QuestionView(
        id=question.id,
        created_at=question.created_at,
        private=question.private,
        readable=readable,
        mine=viewer.user_id is not None and viewer.user_id == question.asker_id,
        body=question.body if readable else "",
        answered=answered,
        answer=(question.answer or "") if answered and readable else "",
        answered_at=question.answered_at if answered else None,
    )


def ask(
    db: Session,
    product: Product,
    asker: User,
    body: str,
    *,
    private: bool,
    locale: str,
    now: datetime,
) -> Question:
    """Record ``asker``'s question about ``product``; raises ``QuestionRefused`` (field
    ``question``) for an empty or too long one."""
    question = Question(
        product_id=product.id,
        venture_id=product.venture_id,
        asker_id=asker.id,
        body=rules.clean_question(body),
        private=private,
        locale=locale,
        created_at=now,
    )
    db.add(question)
    db.flush()
    return question


def answer(db: Session, question: Question, by: User, text: str, now: datetime) -> bool:
    """Answer ``question`` or edit its answer; the asker is emailed on the first answer only,
    even when two staff answer at once. Returns whether this was the first answer.

    Raises ``QuestionRefused`` for an empty or too long answer, or one an operator hid.
    """
    kept = rules.clean_answer(text)
    if question.answer_hidden:
        raise QuestionRefused("question.answer_hidden")
    first = db.execute(
        update(Question)
        .where(Question.id == question.id, Question.answered.is_(False))
        .values(answered=True, answer=kept, answered_at=now, answered_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if first.rowcount:  # type: ignore[attr-defined]
        db.refresh(question)
        notify.question_answered(db, question)
        return True
    question.answer = kept
    question.answer_edited_at = now
    question.answered_by_id = by.id
    db.flush()
    return False


def set_hidden(db: Session, question: Question, part: str, hidden: bool) -> None:
    """Hide (or show again) a question or its answer: hidden, only operators see it."""
    if part == "question":
        question.hidden = hidden
    elif part == "answer":
        question.answer_hidden = hidden
    else:
        raise QuestionRefused("question.unknown_part")
    db.flush()


def for_product(
    db: Session, product_id: int, viewer: rules.Viewer, start: PageRequest, per_page: int
) -> Page[QuestionView]:
    """A page of the product's questions (not hidden), newest first, as ``viewer`` sees them,
    counted up to ``COUNT_UP_TO``: two queries."""
    stmt = select(Question).where(Question.product_id == product_id, Question.hidden.is_(False))
    page = paginate(db, stmt, (Question.id.desc(),), start, per_page, count_up_to=COUNT_UP_TO)
    return _views(page, viewer)


def _newest_on_product() -> Select[Any]:
    """(question, visible questions counted up to COUNT_UP_TO + 1) of the product
    ``:product_id``'s newest ``:limit`` visible questions."""
    visible = (Question.product_id == bindparam("product_id"), Question.hidden.is_(False))
    counted = select(Question.id).where(*visible).limit(COUNT_UP_TO + 1).subquery()
    return (
        select(Question, select(func.count()).select_from(counted).scalar_subquery())
        .where(*visible)
        .order_by(Question.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


_NEWEST_ON_PRODUCT = _newest_on_product()  # built once: only its parameters change


def newest_for_product(
    db: Session, product_id: int, viewer: rules.Viewer, limit: int
) -> Page[QuestionView]:
    """The product's ``limit`` newest questions (not hidden) as ``viewer`` sees them, counted
    up to ``COUNT_UP_TO``, in one query: the product page's section, which links to the rest
    (``for_product``) rather than paging."""
    rows = db.execute(_NEWEST_ON_PRODUCT, {"product_id": product_id, "limit": limit}).all()
    found = rows[0][1] if rows else 0
    items = [view(question, viewer) for question, _count in rows]
    return Page(items, limit, count=min(found, COUNT_UP_TO), count_capped=found > COUNT_UP_TO)


def for_venture(db: Session, venture_id: int, start: PageRequest, per_page: int) -> Page[Any]:
    """A page of (question, product title) asked of the venture, unanswered first, then
    newest first; hidden questions are the operators'."""
    stmt = (
        select(Question, Product.title)
        .join(Product, Product.id == Question.product_id)
        .where(Question.venture_id == venture_id, Question.hidden.is_(False))
    )
    return paginate(db, stmt, (Question.answered.asc(), Question.id.desc()), start, per_page)


def asked_by(db: Session, user_id: int, start: PageRequest, per_page: int) -> Page[Any]:
    """A page of (question, product id, product title) the user asked, newest first."""
    stmt = (
        select(Question, Product.title)
        .join(Product, Product.id == Question.product_id)
        .where(Question.asker_id == user_id, Question.hidden.is_(False))
    )
    return paginate(db, stmt, (Question.id.desc(),), start, per_page)


def everything(db: Session, start: PageRequest, per_page: int) -> Page[Any]:
    """A page of every (question, product title), hidden ones too, newest first."""
    stmt = select(Question, Product.title).join(Product, Product.id == Question.product_id)
    return paginate(db, stmt, (Question.id.desc(),), start, per_page)


def _views(page: Page[Question], viewer: rules.Viewer) -> Page[QuestionView]:
    return Page(
        [view(q, viewer) for q in page.items],
        page.per_page,
        page.next_cursor,
        page.prev_cursor,
        page.count,
        page.count_capped,
    )
