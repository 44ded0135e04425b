"""Saved products (찜) and venture follows, the saved counts, and back-in-stock emails.

Signed-in shoppers keep their saves and follows in the database; visitors keep their saves in
the session, as a list of at most ``MAX_SESSION_SAVES`` product ids (the web layer holds the
list, these functions only change it), merged into the account when they sign in.

``Product.saved_count`` counts every save, an account's or a session's, in the transaction of
the save or removal, never below zero. A visitor whose session is lost leaves a count behind:
the number says "saved this many times", not "this many people". The statement that changes
it names the catalogue as the only part of the cached pages it changes (not the ledger, which
also reads ``product`` but never shows the count).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from storefront.domain.errors import WishlistRefused
from storefront.models import Product, SavedProduct, User, Venture, VentureFollow, utcnow
from storefront.services import catalog, notify

MAX_SESSION_SAVES = 100
ALERT_SALT = "sangsaeng-back-in-stock"
# The parts of the cached pages a saved count shows on (storefront/web/page_cache.py).
_SHOWN_ON = {"page_parts": frozenset({"catalog"})}


@dataclass(frozen=True)
class WishItem:
    """A saved product as the 찜 page shows it; ``saved`` is None for a session's save."""

    product: Product
    saved: SavedProduct | None

    @property
    def for_sale(self) -> bool:
        return self.product.status == "published" and self.product.venture.status == "approved"

    @property
    def sold_out(self) -> bool:
        return self.product.stock <= 0


def saveable_product(db: Session, product_id: int) -> Product | None:
    """The product if shoppers may see it (published, its venture approved), else None."""
    return catalog.get_visible_product(db, product_id)


def followable_venture(db: Session, venture_id: int) -> Venture | None:
    """The venture if it is approved, else None."""
    return db.scalar(select(Venture).where(Venture.id == venture_id, Venture.status == "approved"))


def _count(db: Session, product_ids: Sequence[int], delta: int) -> None:
    if not product_ids:
        return
    stmt = update(Product).where(Product.id.in_(product_ids))
    if delta < 0:
        stmt = stmt.where(Product.saved_count >= -delta)  # never below zero
    db.execute(
        stmt.values(saved_count=Product.saved_count + delta).execution_options(
            synchronize_session=False, **_SHOWN_ON
        )
    )


# --- an account's saves ---------------------------------------------------------------------


def save(db: Session, user_id: int, product: Product, locale: str) -> bool:
    """Save ``product`` for the account; False if it was saved already."""
    if _saved_row(db, user_id, product.id) is not None:
        return False
    try:
        with db.begin_nested():
            db.add(SavedProduct(user_id=user_id, product_id=product.id, locale=locale))
    except IntegrityError:  # the same account saving it in another tab at the same moment
        return False
    _count(db, [product.id], 1)
    return True


def unsave(db: Session, user_id: int, product_id: int) -> bool:
    """Remove a saved product from the account; False if it was not saved."""
    result = db.execute(
        delete(SavedProduct)
        .where(SavedProduct.user_id == user_id, SavedProduct.product_id == product_id)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    _count(db, [product_id], -1)
    return True


def forget_account(db: Session, user_id: int) -> None:
    """Delete every save of the account (its back-in-stock requests with them) and every
    follow, lowering each saved product's count by one, never below zero (a deleted account)."""
    saved = list(db.scalars(select(SavedProduct.product_id).where(SavedProduct.user_id == user_id)))
    db.execute(
        delete(SavedProduct)
        .where(SavedProduct.user_id == user_id)
        .execution_options(synchronize_session=False)
    )
    _count(db, saved, -1)
    db.execute(
        delete(VentureFollow)
        .where(VentureFollow.user_id == user_id)
        .execution_options(synchronize_session=False)
    )


def _saved_row(db: Session, user_id: int, product_id: int) -> SavedProduct | None:
    return db.scalar(
        select(SavedProduct).where(
            SavedProduct.user_id == user_id, SavedProduct.product_id == product_id
        )
    )


def set_alert(db: Session, user_id: int, product_id: int, wanted: bool, locale: str) -> bool:
    """Ask for (or stop) the back-in-stock email of a saved product; False if not saved.

    Asking again after an email re-arms it: the next restock sends one more."""
    row = _saved_row(db, user_id, product_id)
    if row is None:
        return False
    row.alert = wanted
    if wanted:
        row.locale = locale
        row.notified_at = None
    return True


def stop_alerts(db: Session, user_id: int) -> int:
    """Stop every back-in-stock email of the account (the emails' unsubscribe link)."""
    result = db.execute(
        update(SavedProduct)
        .where(SavedProduct.user_id == user_id, SavedProduct.alert)
        .values(alert=False)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def saved_items(db: Session, user_id: int) -> list[WishItem]:
    """The account's saved products, newest first, with their ventures (one query)."""
    rows = db.execute(
        select(SavedProduct, Product)
        .join(Product, Product.id == SavedProduct.product_id)
        .join(Product.venture)
        .options(contains_eager(Product.venture))
        .where(SavedProduct.user_id == user_id)
        .order_by(SavedProduct.created_at.desc(), SavedProduct.id.desc())
    )
    return [WishItem(product, saved) for saved, product in rows]


# --- a visitor's saves, in the session ------------------------------------------------------


def session_ids(raw: object) -> list[int]:
    """The session's saved product ids, whatever the cookie held: positive ints, at most
    ``MAX_SESSION_SAVES``, no repeats."""
    if not isinstance(raw, list):
        return []
    ids = [i for i in raw if type(i) is int and i > 0]
    return list(dict.fromkeys(ids))[:MAX_SESSION_SAVES]


def save_in_session(db: Session, ids: list[int], product: Product) -> list[int] | None:
    """The session's ids with ``product`` first; None if it was there already. Raises
    ``WishlistRefused`` when the list is full."""
    if product.id in ids:
        return None
    if len(ids) >= MAX_SESSION_SAVES:
        raise WishlistRefused("wishlist.full", maximum=MAX_SESSION_SAVES)
    _count(db, [product.id], 1)
    return [product.id, *ids]


def unsave_in_session(db: Session, ids: list[int], product_id: int) -> list[int] | None:
    """The session's ids without ``product_id``; None if it was not there."""
    if product_id not in ids:
        return None
    _count(db, [product_id], -1)
    return [i for i in ids if i != product_id]


def session_items(db: Session, ids: Sequence[int]) -> list[WishItem]:
    """The session's saved products in its order, with their ventures (one query)."""
    if not ids:
        return []
    found = {
        p.id: p
        for p in db.scalars(
            select(Product)
            .join(Product.venture)
            .options(contains_eager(Product.venture))
            .where(Product.id.in_(ids))
        )
    }
    return [WishItem(found[i], None) for i in ids if i in found]


def merge(db: Session, user_id: int, ids: Iterable[int], locale: str) -> int:
    """Move a visitor's saves into the account they signed in to; return how many are new.

    Each was counted when the visitor saved it: one the account had saved already was
    counted twice, so it is taken off the count."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    existing = set(db.scalars(select(Product.id).where(Product.id.in_(ids))))
    already = set(
        db.scalars(
            select(SavedProduct.product_id).where(
                SavedProduct.user_id == user_id, SavedProduct.product_id.in_(ids)
            )
        )
    )
    new = [i for i in ids if i in existing and i not in already]
    db.add_all(SavedProduct(user_id=user_id, product_id=i, locale=locale) for i in new)
    _count(db, sorted(already), -1)
    db.flush()
    return len(new)


# --- follows --------------------------------------------------------------------------------


def follows(db: Session, user_id: int, venture_id: int) -> bool:
    """Whether the account follows the venture."""
    found = db.scalar(
        select(VentureFollow.id).where(
            VentureFollow.user_id == user_id, VentureFollow.venture_id == venture_id
        )
    )
    return found is not None


def follow(db: Session, user_id: int, venture: Venture) -> bool:
    """Follow ``venture``; False if the account follows it already."""
    if follows(db, user_id, venture.id):
        return False
    try:
        with db.begin_nested():
            db.add(VentureFollow(user_id=user_id, venture_id=venture.id))
    except IntegrityError:
        return False
    return True


def unfollow(db: Session, user_id: int, venture_id: int) -> bool:
    result = db.execute(
        delete(VentureFollow)
        .where(VentureFollow.user_id == user_id, VentureFollow.venture_id == venture_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def followed_ventures(db: Session, user_id: int) -> list[Venture]:
    """The ventures the account follows, by name (one query)."""
    return list(
        db.scalars(
            select(Venture)
            .join(VentureFollow, VentureFollow.venture_id == Venture.id)
            .where(VentureFollow.user_id == user_id)
            .order_by(Venture.name)
        )
    )


# --- back in stock --------------------------------------------------------------------------


def back_in_stock(db: Session, product: Product, now: datetime | None = None) -> int:
    """Email each account that saved ``product`` and asked, once: the product (or one of its
    options) was sold out and has stock again. Return how many emails are recorded.

    The rows are claimed by one UPDATE (``notified_at`` from NULL), so two restocks racing
    cannot both send."""
    if product.status != "published":
        return 0
    claimed = db.execute(
        update(SavedProduct)
        .where(
            SavedProduct.product_id == product.id,
            SavedProduct.alert,
            SavedProduct.notified_at.is_(None),
        )
        .values(notified_at=now or utcnow())
        .returning(SavedProduct.user_id, SavedProduct.locale)
        .execution_options(synchronize_session=False)
    ).all()
    if not claimed:
        return 0
    locales = {user_id: locale for user_id, locale in claimed}
    users = db.scalars(select(User).where(User.id.in_(locales), User.active).order_by(User.id))
    sent = 0
    for user in users:
        notify.back_in_stock(db, user.email, locales[user.id], user.id, product.id)
        sent += 1
    return sent


class AlertTokens:
    """Signed, unexpiring tokens for the unsubscribe link of back-in-stock emails."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt=ALERT_SALT)

    def issue(self, user_id: int) -> str:
        return self._serializer.dumps(user_id)

    def user_id(self, token: str) -> int | None:
        """The account the token was issued for, or None for a token we did not sign."""
        try:
            value = self._serializer.loads(token)
        except BadSignature:
            return None
        return value if type(value) is int else None
