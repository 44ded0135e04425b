"""Shoppers' accounts: a verified email, the orders that belong to the account, saved
delivery addresses, what the account's purchases gave, and deleting the account.

An order belongs to an account when it was placed signed in (``Order.user_id``, set by the
server) or, once the account's email is verified, when it was a guest's order with that email:
verifying is what proves the guest orders are the account holder's.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from storefront.domain.errors import AccountRefused, AddressRefused, BadVerifyLink
from storefront.domain.periods import local_date
from storefront.domain.receipts import Net, net_of
from storefront.models import Cause, LedgerEntry, Membership, Order, SavedAddress, User
from storefront.models.accounts import new_reset_nonce
from storefront.services import notify
from storefront.services.accounts import end_sessions, hash_password
from storefront.services.pagination import Page, PageRequest, paginate
from storefront.services.receipts import RECEIPT_STATUSES

VERIFY_SALT = "sangsaeng-email-verification"
VERIFY_MAX_AGE_SECONDS = 3 * 24 * 3600
MAX_ADDRESSES = 10
ORDERS_PER_PAGE = 10


# -- verifying the email ---------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyTokens:
    """Verification links signed with the app's secret, good for three days. Each carries the
    account's id and the email it was sent to, so a link stops working for an account whose
    email is no longer that one (a deleted account)."""

    secret_key: str
    max_age: int = VERIFY_MAX_AGE_SECONDS

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=VERIFY_SALT)

    def issue(self, user: User) -> str:
        return str(self._serializer().dumps({"u": user.id, "e": user.email}))

    def user_for(self, db: Session, token: str) -> User:
        """The account the link verifies; ``BadVerifyLink`` for a changed, old or stale one."""
        try:
            data = self._serializer().loads(token, max_age=self.max_age)
        except (SignatureExpired, BadSignature) as exc:
            raise BadVerifyLink() from exc
        if not isinstance(data, dict) or type(data.get("u")) is not int:
            raise BadVerifyLink()
        user = db.get(User, data["u"])
        email = data.get("e")
        if user is None or not user.active or not isinstance(email, str):
            raise BadVerifyLink()
        if not secrets.compare_digest(email.encode(), user.email.encode()):
            raise BadVerifyLink()
        return user


def ask_to_verify(db: Session, user: User, tokens: VerifyTokens, locale: str) -> None:
    """Email ``user`` a link that verifies its address (nothing if it is verified already)."""
    if user.email_verified_at is None:
        notify.email_verification(db, user, tokens.issue(user), locale)


def verify_email(db: Session, tokens: VerifyTokens, token: str, now: datetime) -> User:
    """Mark the link's account verified and give it the guest orders placed with its email."""
    user = tokens.user_for(db, token)
    if user.email_verified_at is None:
        user.email_verified_at = now
    claim_guest_orders(db, user)
    return user


def claim_guest_orders(db: Session, user: User) -> int:
    """Make the guest orders with a verified account's email (any case) the account's; return
    how many. An unverified account claims nothing: anyone can type any email at sign-up."""
    if user.email_verified_at is None or user.deleted_at is not None:
        return 0
    # Found first, so that a sign-in with nothing to claim writes nothing (and leaves the
    # cached ledger pages, which read orders, alone).
    ids = list(
        db.scalars(
            select(Order.id).where(
                Order.user_id.is_(None), func.lower(Order.email) == user.email.lower()
            )
        )
    )
    if ids:
        db.execute(
            update(Order)
            .where(Order.id.in_(ids), Order.user_id.is_(None))
            .values(user_id=user.id)
            .execution_options(synchronize_session=False)
        )
    return len(ids)


# -- orders ----------------------------------------------------------------------------------


def orders_page(db: Session, user: User, request: PageRequest) -> Page[Order]:
    """A page of the account's orders, newest first, with their lines (two queries)."""
    return paginate(
        db,
        select(Order).where(Order.user_id == user.id),
        [Order.id.desc()],
        request,
        ORDERS_PER_PAGE,
    )


# -- saved addresses -------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressDetails:
    name: str
    phone: str
    postcode: str
    address: str
    address_detail: str


def addresses_of(db: Session, user: User) -> list[SavedAddress]:
    """The account's saved addresses, the default first, then oldest first (one query)."""
    return list(
        db.scalars(
            select(SavedAddress)
            .where(SavedAddress.user_id == user.id)
            .order_by(SavedAddress.is_default.desc(), SavedAddress.id)
        )
    )


def address_of(db: Session, user: User, address_id: int) -> SavedAddress | None:
    """The account's saved address with this id; None for another account's or none."""
    return db.scalar(
        select(SavedAddress).where(SavedAddress.id == address_id, SavedAddress.user_id == user.id)
    )


def default_address(db: Session, user: User) -> SavedAddress | None:
    found = addresses_of(db, user)
    return found[0] if found else None


def _set_default(db: Session, user: User, address: SavedAddress) -> None:
    db.execute(
        update(SavedAddress)
        .where(SavedAddress.user_id == user.id, SavedAddress.id != address.id)
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )
    address.is_default = True


def add_address(
    db: Session, user: User, details: AddressDetails, *, make_default: bool = False
) -> SavedAddress:
    """Save an address; the first one is the default. Refuses more than ``MAX_ADDRESSES``."""
    existing = db.scalar(
        select(func.count()).select_from(SavedAddress).where(SavedAddress.user_id == user.id)
    )
    if (existing or 0) >= MAX_ADDRESSES:
        raise AddressRefused("address.too_many", limit=MAX_ADDRESSES)
    address = SavedAddress(user_id=user.id, **details.__dict__)
    db.add(address)
    db.flush()
    if make_default or not existing:
        _set_default(db, user, address)
    return address


def change_address(
    db: Session, user: User, address: SavedAddress, details: AddressDetails, make_default: bool
) -> None:
    for name, value in details.__dict__.items():
        setattr(address, name, value)
    if make_default:
        _set_default(db, user, address)


def make_default(db: Session, user: User, address: SavedAddress) -> None:
    _set_default(db, user, address)


def delete_address(db: Session, user: User, address: SavedAddress) -> None:
    """Delete an address; if it was the default, the oldest one left becomes the default."""
    was_default = address.is_default
    db.delete(address)
    db.flush()
    if was_default:
        left = default_address(db, user)
        if left is not None:
            left.is_default = True


# -- giving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderGiving:
    number: str
    access_token: str
    paid_at: datetime
    net: Net


@dataclass(frozen=True)
class YearGiving:
    """What the account's orders paid in one Seoul calendar year gave, per cause."""

    year: int
    by_cause: tuple[tuple[str, Net], ...]
    orders: tuple[OrderGiving, ...]

    @property
    def net(self) -> Net:
        return sum((net for _, net in self.by_cause), Net())


@dataclass
class _Year:
    causes: dict[str, Net] = field(default_factory=dict)
    orders: list[OrderGiving] = field(default_factory=list)


def _sum_kind(kind: str) -> Any:
    return func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.kind == kind), 0)


# The shopper's own gifts at checkout count too, as on the receipt and the yearly statement.
KINDS = ("donation", "match", "gift", "donation_reversal", "match_reversal", "gift_reversal")


def giving_of(db: Session, user: User) -> list[YearGiving]:
    """What the account's paid orders gave, per year (newest first) and per cause, matches
    and reversals netted, read from the ledger (two queries)."""
    orders = list(
        db.execute(
            select(Order.id, Order.number, Order.access_token, Order.paid_at)
            .where(
                Order.user_id == user.id,
                Order.status.in_(RECEIPT_STATUSES),
                Order.paid_at.is_not(None),
            )
            .order_by(Order.paid_at.desc(), Order.id.desc())
        )
    )
    if not orders:
        return []
    rows = db.execute(
        select(LedgerEntry.order_id, Cause.name, *(_sum_kind(k) for k in KINDS))
        .join(Cause, Cause.id == LedgerEntry.cause_id)
        .where(LedgerEntry.order_id.in_([o.id for o in orders]))
        .group_by(LedgerEntry.order_id, Cause.id, Cause.name)
        .order_by(LedgerEntry.order_id, Cause.id)
    )
    per_order: dict[int, list[tuple[str, Net]]] = {}
    for order_id, name, *amounts in rows:
        net = net_of(zip(KINDS, (int(a) for a in amounts), strict=True))
        per_order.setdefault(order_id, []).append((name, net))
    years: dict[int, _Year] = {}
    for order_id, number, token, paid_at in orders:
        assert paid_at is not None  # the query asks for paid orders
        year = years.setdefault(local_date(paid_at).year, _Year())
        causes = per_order.get(order_id, [])
        for name, net in causes:
            year.causes[name] = year.causes.get(name, Net()) + net
        year.orders.append(OrderGiving(number, token, paid_at, sum((n for _, n in causes), Net())))
    return [
        YearGiving(
            year,
            tuple(sorted(y.causes.items(), key=lambda item: (-item[1].total, item[0]))),
            tuple(y.orders),
        )
        for year, y in sorted(years.items(), reverse=True)
    ]


# -- deleting the account --------------------------------------------------------------------


def placeholder_email(user: User) -> str:
    return f"deleted-{user.id}@invalid"


def delete_account(db: Session, user: User, password: str, now: datetime) -> None:
    """Remove the account's personal data; keep its orders (the law) and the ledger.

    Refuses a wrong password (``account.wrong_password``) and an account that belongs to a
    venture (``account.has_ventures``): a venture's owner or staff leave it first. What is
    removed and what is kept, and why: docs/accounts.md.
    """
    if not check_password_hash(user.password_hash, password):
        raise AccountRefused("account.wrong_password", field="password")
    member = db.scalar(select(Membership.id).where(Membership.user_id == user.id).limit(1))
    if member is not None or user.is_operator:
        raise AccountRefused("account.has_ventures")
    db.execute(delete(SavedAddress).where(SavedAddress.user_id == user.id))
    user.email = placeholder_email(user)  # frees the address for a new account
    user.name = ""
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.reset_nonce = new_reset_nonce()  # reset links already sent stop working
    user.email_verified_at = None
    user.active = False  # cannot sign in
    user.deleted_at = now
    end_sessions(user)
