"""Returns and exchanges of delivered lines: the shopper asks, the venture decides and acts.

A shopper asks within ``RETURN_WINDOW_DAYS`` of delivery (the 7 days of 청약철회 by
default), for one whole delivered line, with a reason, a note and up to three photos. One
request per line is open at a time. The venture approves or rejects it, marks the item
received, and then either refunds a return or ships a new item for an exchange:

- the refund of a return is the line's goods, less ``RETURN_SHIPPING_FEE`` when the reason is
  the shopper's change of mind (never below zero; the venture pays when it was at fault);
  it goes through the payment provider with one idempotency key per request, so a resubmitted
  form refunds once, and its donation is reversed in proportion with new ledger entries
  (``ledger.reverse_line_share``); the line becomes "returned";
- an exchange refunds nothing; the new parcel is recorded and the line becomes "exchanged".

Stock is never changed here: a returned item may be damaged, so the venture puts it back in
stock itself, and takes an exchanged item out of stock itself. Every step tells the shopper
(``notify.return_update``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storefront.domain.errors import FulfilmentRefused, ReturnRefused
from storefront.models import Order, OrderLine, Refund, ReturnPhoto, ReturnRequest
from storefront.models.returns import (
    CHANGE_OF_MIND_REASONS,
    OPEN_RETURN_STATUSES,
    RETURN_KINDS,
    RETURN_REASONS,
)
from storefront.payments import PaymentProvider
from storefront.services import files, images, ledger, notify, refunds, sales
from storefront.services.fulfilment import CARRIERS, TRACKING

MAX_PHOTOS = 3
PHOTO_SIDE = 1600


@dataclass(frozen=True)
class Rules:
    """The shop's terms for returns, from the config."""

    window_days: int = 7
    shipping_fee: int = 3000


def window_ends(line: OrderLine, rules: Rules) -> datetime | None:
    return line.delivered_at + timedelta(days=rules.window_days) if line.delivered_at else None


def may_request(line: OrderLine, rules: Rules, now: datetime) -> bool:
    """Whether the line is delivered and its return window still open (an open request aside)."""
    ends = window_ends(line, rules)
    return line.status == "delivered" and ends is not None and now <= ends


def of_order(db: Session, order_id: int) -> list[ReturnRequest]:
    return list(
        db.scalars(
            select(ReturnRequest)
            .where(ReturnRequest.order_id == order_id)
            .order_by(ReturnRequest.id)
        )
    )


def of_venture(db: Session, venture_id: int, limit: int = 100) -> list[ReturnRequest]:
    """The venture's requests, open ones first, newest first."""
    still_open = ReturnRequest.status.in_(OPEN_RETURN_STATUSES)
    return list(
        db.scalars(
            select(ReturnRequest)
            .where(ReturnRequest.venture_id == venture_id)
            .order_by(still_open.desc(), ReturnRequest.id.desc())
            .limit(limit)
        )
    )


def venture_request(db: Session, venture_id: int, request_id: int) -> ReturnRequest | None:
    found = db.get(ReturnRequest, request_id)
    return found if found is not None and found.venture_id == venture_id else None


def order_request(db: Session, order_id: int, request_id: int) -> ReturnRequest | None:
    found = db.get(ReturnRequest, request_id)
    return found if found is not None and found.order_id == order_id else None


def refund_due(line: OrderLine, reason: str, shipping_fee: int) -> int:
    """What a return of the whole line gives back: the goods, less the return shipping the
    shopper pays after a change of mind, never below zero."""
    fee = shipping_fee if reason in CHANGE_OF_MIND_REASONS else 0
    return max(line.goods_amount - fee, 0)


def request(
    db: Session,
    order: Order,
    line_id: int,
    kind: str,
    reason: str,
    note: str,
    uploads: list[images.Upload],
    photos_root: Path,
    rules: Rules,
    now: datetime,
) -> ReturnRequest:
    """Record the shopper's request to return or exchange a delivered line of ``order``.

    Raises ``ReturnRefused`` (``return.unknown_line``, ``return.kind``, ``return.reason``,
    ``return.not_delivered``, ``return.window_closed``, ``return.already_open``,
    ``return.too_many_photos``) or ``ImageRefused`` for a file that is not a picture.
    """
    if kind not in RETURN_KINDS:
        raise ReturnRefused("return.kind", field="kind")
    if reason not in RETURN_REASONS:
        raise ReturnRefused("return.reason", field="reason")
    if len(uploads) > MAX_PHOTOS:
        raise ReturnRefused("return.too_many_photos", field="images", most=MAX_PHOTOS)
    locked = db.scalar(
        select(OrderLine.id)
        .where(OrderLine.id == line_id, OrderLine.order_id == order.id)
        .with_for_update()  # two requests for one line at once: the second waits, then sees
    )
    if locked is None:
        raise ReturnRefused("return.unknown_line", field="line")
    line = db.get_one(OrderLine, locked)
    db.refresh(line)
    if line.status != "delivered" or line.delivered_at is None:
        raise ReturnRefused("return.not_delivered", field="line")
    if not may_request(line, rules, now):
        raise ReturnRefused("return.window_closed", field="line", days=rules.window_days)
    already = db.scalar(
        select(func.count())
        .select_from(ReturnRequest)
        .where(
            ReturnRequest.order_line_id == line.id,
            ReturnRequest.status.in_(OPEN_RETURN_STATUSES),
        )
    )
    if already:
        raise ReturnRefused("return.already_open", field="line")
    # Every photo is checked before anything is stored: one bad file stores nothing.
    encoded = [images.picture_bytes(upload, PHOTO_SIDE) for upload in uploads]
    found = ReturnRequest(
        order_id=order.id,
        order_line_id=line.id,
        venture_id=line.venture_id,
        kind=kind,
        reason=reason,
        note=note.strip()[:1000],
        quantity=line.quantity,
        status="requested",
        created_at=now,
    )
    db.add(found)
    db.flush()
    for data in encoded:
        relative = Path(str(found.id)) / f"{secrets.token_hex(12)}.jpg"
        files.stage_write(db, photos_root / relative, data)
        db.add(ReturnPhoto(request_id=found.id, path=relative.as_posix(), created_at=now))
    db.flush()
    notify.return_update(db, order, found, "requested")
    if line.venture.contact_email:
        notify.return_requested_to_venture(db, found, line.venture.contact_email)
    return found


def _advance(
    db: Session, found: ReturnRequest, sources: set[str], target: str, **values: Any
) -> None:
    """Move a request on only from the expected steps (a conditional UPDATE), so that two
    clicks at once take the step once."""
    result = db.execute(
        update(ReturnRequest)
        .where(ReturnRequest.id == found.id, ReturnRequest.status.in_(sources))
        .values(status=target, **values)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise ReturnRefused("return.wrong_status")
    db.expire(found)


def approve(db: Session, found: ReturnRequest, rules: Rules, now: datetime) -> None:
    """Accept the request; a return after a change of mind will keep back the return shipping."""
    fee = (
        rules.shipping_fee
        if found.kind == "return" and found.reason in CHANGE_OF_MIND_REASONS
        else 0
    )
    _advance(db, found, {"requested"}, "approved", shipping_fee=max(fee, 0), decided_at=now)
    notify.return_update(db, found.order, found, "approved")


def reject(db: Session, found: ReturnRequest, why: str, now: datetime) -> None:
    why = why.strip()
    if not why:
        raise ReturnRefused("return.why", field="note")
    _advance(db, found, {"requested"}, "rejected", decision_note=why[:500], decided_at=now)
    notify.return_update(db, found.order, found, "rejected")


def receive(db: Session, found: ReturnRequest, now: datetime) -> None:
    """The returned item has arrived at the venture."""
    _advance(db, found, {"approved"}, "received", received_at=now)
    notify.return_update(db, found.order, found, "received")


def refund_key(found: ReturnRequest) -> str:
    return f"sangsaeng-return-{found.id}"


def refund(
    db: Session, provider: PaymentProvider, found: ReturnRequest, now: datetime
) -> Refund | None:
    """Refund a received return, reverse its share of the donation and close the request.

    The provider is asked with the request's own idempotency key, and a second call finds
    the first refund: a resubmitted form refunds once. Returns None when the return shipping
    took the whole of the line (nothing to give back). Raises ``ReturnRefused`` or
    ``PaymentError`` (the caller rolls back; the request stays "received" and may be retried).
    """
    order = found.order
    db.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.refresh(order)
    key = refund_key(found)
    done = db.scalar(select(Refund).where(Refund.idempotency_key == key))
    if done is not None:
        return done
    if found.kind != "return" or found.status != "received":
        raise ReturnRefused("return.wrong_status")
    line = found.line
    left = refunds.refundable(db, order)
    amount = min(max(line.goods_amount - found.shipping_fee, 0), left)
    made = None
    if amount > 0:
        if not order.payment_intent_id:
            raise FulfilmentRefused("fulfilment.no_payment")
        result = refunds.pay_back(provider, order.payment_intent_id, amount, key)
        made = Refund(
            order_id=order.id,
            order_line_id=line.id,
            amount=result.amount,
            currency=order.currency,
            reason="return",
            provider_ref=result.id,
            idempotency_key=key,
            note=f"return request {found.id}",
            created_at=now,
        )
        db.add(made)
        db.flush()
        ledger.reverse_line_share(db, line, made, line.goods_amount, now)
        if made.amount >= left:
            order.status = "refunded"
            order.status_note = "refunded in full"
    result_move = db.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id, OrderLine.status == "delivered")
        .values(status="returned")
        .execution_options(synchronize_session=False)
    )
    if not result_move.rowcount:  # type: ignore[attr-defined]
        raise ReturnRefused("return.wrong_status")
    db.expire(line)
    sales.restate(db, order.id)
    _advance(
        db, found, {"received"}, "refunded",
        refund_id=made.id if made else None, refund_error="", closed_at=now,
    )  # fmt: skip
    notify.return_update(db, order, found, "refunded", amount=made.amount if made else 0)
    return made


def note_refund_failure(db: Session, found: ReturnRequest, message: str) -> None:
    """Keep the payment service's refusal on the request, for both sides to see."""
    db.execute(
        update(ReturnRequest)
        .where(ReturnRequest.id == found.id, ReturnRequest.status == "received")
        .values(refund_error=message[:200])
        .execution_options(synchronize_session=False)
    )
    db.expire(found)


def reship(db: Session, found: ReturnRequest, carrier: str, tracking: str, now: datetime) -> None:
    """Send the exchange's new item: record its parcel; the line becomes "exchanged"."""
    if found.kind != "exchange":
        raise ReturnRefused("return.wrong_status")
    if carrier not in CARRIERS:
        raise FulfilmentRefused("fulfilment.carrier", field="carrier")
    tracking = tracking.strip()
    if not TRACKING.match(tracking):
        raise FulfilmentRefused("fulfilment.tracking", field="tracking_number")
    _advance(
        db, found, {"received"}, "reshipped",
        carrier=carrier, tracking_number=tracking, closed_at=now,
    )  # fmt: skip
    moved = db.execute(
        update(OrderLine)
        .where(OrderLine.id == found.order_line_id, OrderLine.status == "delivered")
        .values(status="exchanged")
        .execution_options(synchronize_session=False)
    )
    if not moved.rowcount:  # type: ignore[attr-defined]
        raise ReturnRefused("return.wrong_status")
    db.expire(found.line)
    notify.return_update(db, found.order, found, "reshipped")


def timeline(found: ReturnRequest) -> list[tuple[str, datetime]]:
    """The steps taken so far, with when: for the shopper's and the venture's pages."""
    steps: list[tuple[str, datetime | None]] = [("requested", found.created_at)]
    if found.decided_at is not None:
        steps.append(("rejected" if found.status == "rejected" else "approved", found.decided_at))
    steps.append(("received", found.received_at))
    if found.status in ("refunded", "reshipped"):
        steps.append((found.status, found.closed_at))
    return [(name, at) for name, at in steps if at is not None]


def photo_path(db: Session, found: ReturnRequest, photo_id: int) -> str | None:
    """Where one of the request's photos is kept, or None: never another request's."""
    return db.scalar(
        select(ReturnPhoto.path).where(
            ReturnPhoto.id == photo_id, ReturnPhoto.request_id == found.id
        )
    )
