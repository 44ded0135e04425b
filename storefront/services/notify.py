"""The emails the shop sends, recorded as notices in the transaction that causes them.

Each function says who is told what, in which language; ``storefront.web.emails`` renders
the notice (``templates/emails/<kind>``) and sends it after the commit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from storefront.domain.receipts import StatementPeriod
from storefront.models import Order, OrderLine, Question, ReturnRequest, User
from storefront.services.notices import Notice, record


def _tell_shopper(db: Session, kind: str, order: Order, **params: str | int) -> None:
    record(db, Notice(kind, order.email, order.locale, {"order_number": order.number, **params}))


def order_confirmation(db: Session, order: Order) -> None:
    _tell_shopper(db, "order_confirmation", order)


def order_refunded_out_of_stock(db: Session, order: Order) -> None:
    _tell_shopper(db, "order_refunded", order)


def line_shipped(db: Session, order: Order, line: OrderLine) -> None:
    _tell_shopper(db, "line_shipped", order, line_id=line.id)


def line_cancelled(db: Session, order: Order, line: OrderLine, amount: int, gift: int = 0) -> None:
    """Tell the shopper ``amount`` was refunded; ``gift`` of it is their own gift, given back
    because nothing else of the order is left."""
    _tell_shopper(db, "line_cancelled", order, line_id=line.id, amount=amount, gift=gift)


def order_refund(db: Session, order: Order, amount: int, left: int) -> None:
    _tell_shopper(db, "order_refund", order, amount=amount, left=left)


def return_update(
    db: Session, order: Order, request: ReturnRequest, step: str, amount: int = 0
) -> None:
    """Tell the shopper a return or exchange took ``step`` (requested, approved, rejected,
    received, refunded, reshipped); ``amount`` is what a refund gave back."""
    _tell_shopper(db, "return_update", order, request_id=request.id, step=step, amount=amount)


def return_requested_to_venture(db: Session, request: ReturnRequest, email: str) -> None:
    """Tell the venture (at its contact address, in Korean) that a shopper asked for a return."""
    record(db, Notice("return_requested", email, "ko", {"request_id": request.id}))


def password_reset(db: Session, user: User, token: str, locale: str) -> None:
    """Send ``user`` the reset link for ``token`` (from ``accounts.ResetTokens``)."""
    params = {"name": user.name, "token": token}
    record(db, Notice("password_reset", user.email, locale, params))


def email_verification(db: Session, user: User, token: str, locale: str) -> None:
    """Send ``user`` the link that verifies its email, for ``token`` (``shoppers.VerifyTokens``)."""
    params = {"name": user.name, "token": token}
    record(db, Notice("email_verification", user.email, locale, params))


def staff_invitation(db: Session, email: str, venture_name: str, token: str, locale: str) -> None:
    """Invite ``email`` with ``token`` (from ``ventures.Invitations``)."""
    params = {"venture_name": venture_name, "token": token}
    record(db, Notice("staff_invitation", email, locale, params))


def statement_link(
    db: Session, email: str, token: str, period: StatementPeriod, locale: str
) -> None:
    """Send ``email`` the link to its statement for ``token`` (from ``receipts.StatementLinks``)."""
    params = {"token": token, "start": period.start.isoformat(), "end": period.end.isoformat()}
    record(db, Notice("statement_link", email, locale, params))


def question_answered(db: Session, question: Question) -> None:
    """Tell the asker, in the language they asked in, that the venture answered (nothing for
    an account that was deleted or disabled since)."""
    asker = db.get(User, question.asker_id)
    if asker is None:
        raise LookupError(f"no asker {question.asker_id}")
    if not asker.active:  # a deleted (or disabled) account gets no email
        return
    params = {"question_id": question.id}
    record(db, Notice("question_answered", asker.email, question.locale, params))


def back_in_stock(db: Session, email: str, locale: str, user_id: int, product_id: int) -> None:
    """Tell a shopper who saved a product and asked that it is back in stock."""
    params = {"user_id": user_id, "product_id": product_id}
    record(db, Notice("back_in_stock", email, locale, params))
