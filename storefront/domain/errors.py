"""Every refusal the shop's rules make, under one root.

A ``DomainError`` carries a stable ``code`` (``"area.rule"``, e.g. ``"payout.too_much"``), the
form ``field`` it concerns when there is one, and the ``params`` its message needs (plain
ints and strings; amounts in minor units). Subclasses only group codes by area so callers can
catch one area's refusals; they add no behaviour. ``storefront/web/messages.py`` holds the one
catalogue that turns a code into a translated message, a form error and a status, and a test
checks that every code raised in the package has its line there.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A request the shop's rules refuse."""

    default_code = "refused"
    codes: ClassVar[tuple[str, ...]] = ()  # the codes a subclass picks itself, if it does

    def __init__(self, code: str | None = None, *, field: str | None = None, **params: Any):
        self.code = code or self.default_code
        self.field = field
        self.params = params
        super().__init__(self.code)

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, field={self.field!r}, **{self.params!r})"


# --- cart and checkout ----------------------------------------------------------------------


class EmptyCart(DomainError):
    default_code = "cart.empty"


class CartFull(DomainError):
    default_code = "cart.full"


class QuantityOutOfRange(DomainError):
    default_code = "cart.quantity"

    def __init__(self, quantity: int, maximum: int) -> None:
        super().__init__(field="quantity", quantity=quantity, maximum=maximum)
        self.maximum = maximum


class ProductUnavailable(DomainError):
    """The product does not exist, is not for sale, or its venture is not approved."""

    default_code = "cart.unavailable"

    def __init__(self, product_id: int) -> None:
        super().__init__(product_id=product_id)
        self.product_id = product_id


class OutOfStock(DomainError):
    """Fewer units are left than asked for; the code says which message fits."""

    codes = ("stock.in_cart", "stock.sold_out", "stock.few_left")

    def __init__(self, product_id: int, title: str, available: int, in_cart: int = 0) -> None:
        if in_cart:
            code = "stock.in_cart"
        elif available <= 0:
            code = "stock.sold_out"
        else:
            code = "stock.few_left"
        super().__init__(code, title=title, available=available, in_cart=in_cart)
        self.product_id = product_id
        self.title = title
        self.available = available
        self.in_cart = in_cart


class PricesChanged(DomainError):
    """The cart's remembered prices differ from today's: the shopper must look again."""

    default_code = "cart.prices_changed"

    def __init__(self, changes: list[tuple[int, str, int, int]]) -> None:
        super().__init__(changes=changes)
        self.changes = changes  # (product_id, title, old price, new price)


class OptionRequired(DomainError):
    """The product comes in options (size, colour...) and none, or an unknown one, was chosen."""

    default_code = "cart.option_required"

    def __init__(self, product_id: int, title: str) -> None:
        super().__init__(field="option_id", title=title)
        self.product_id = product_id
        self.title = title


class UnknownCause(DomainError):
    default_code = "checkout.unknown_cause"


class OrderNotPayable(DomainError):
    """The order can no longer be paid (cancelled, expired or already paid)."""

    default_code = "checkout.not_payable"


class PaymentRejected(DomainError):
    """A payment event that does not match the order it names; ``detail`` is for the logs."""

    default_code = "payment.rejected"

    def __init__(self, detail: str) -> None:
        super().__init__(detail=detail)


# --- accounts, shoppers' receipts and statements --------------------------------------------


class AccountRefused(DomainError):
    """Signing up, or choosing a password, against the account rules."""


class BadResetLink(AccountRefused):
    """A password-reset link that was changed, is too old or was used already."""

    default_code = "account.bad_reset_link"


class BadVerifyLink(AccountRefused):
    """An email-verification link that was changed, is too old, or is for another email."""

    default_code = "account.bad_verify_link"


class VerifyLinkNotYours(AccountRefused):
    """An email-verification link followed while signed in as another account."""

    default_code = "account.verify_link_not_yours"


class AddressRefused(DomainError):
    """A saved delivery address the shopper may not add (one too many)."""


class ReceiptRefused(DomainError):
    """A donation receipt or statement the shop cannot give (an unpaid order, a bad period)."""


class BadStatementLink(ReceiptRefused):
    """A statement link that was tampered with or is older than a week."""


# --- seller: ventures, listings, pictures, orders, staff ------------------------------------


class ApplicationRefused(DomainError):
    """A venture's application to sell: a bad or taken registration number, an unknown mission."""


class NotReviewable(DomainError):
    """The venture is approved already."""


class StaffRefused(DomainError):
    """An invitation that cannot be sent or accepted, or a member who cannot be removed."""


class ListingRefused(DomainError):
    """A listing, its stock, its options, its status change or the venture's giving rate."""


class WishlistRefused(DomainError):
    default_code = "wishlist.full"


class ImageRefused(DomainError):
    """An upload that is not a picture we accept; ``name`` is the file's name."""


class FulfilmentRefused(DomainError):
    """A step of an order line (prepare, ship, deliver, cancel) that cannot be taken now."""


class QuestionRefused(DomainError):
    """A product question or answer that is empty or too long, or one that cannot be hidden."""


class ReviewRefused(DomainError):
    """A review, a reply to one or a report of one that the rules refuse (a line not
    delivered, a second review, stars or text out of range, too many photos)."""


class ReturnRefused(DomainError):
    """A return or exchange request, or a venture's step on one, that the rules refuse."""


# --- operator: causes, funds, refunds, payouts ----------------------------------------------


class CauseRefused(DomainError):
    """A change to a cause, or a choice of one, that the rules refuse."""


class FundError(DomainError):
    """A matching fund's terms or top-up that the rules refuse."""


class GiftRefused(DomainError):
    """A gift at checkout that is not a whole amount within the shop's limits."""

    codes = ("gift.not_a_number", "gift.too_small", "gift.too_large")


class RefundRefused(DomainError):
    """A refund the rules refuse; ``left`` is what is left of the order to refund."""


class PayoutRefused(DomainError):
    """A payout, or a correction of one, that the rules refuse; ``owed`` is what the cause is
    owed when the payout is too large."""


# --- impact reports -------------------------------------------------------------------------


class ReportRefused(DomainError):
    """A quarterly report or a sales figure that breaks a rule; ``field`` names what to fix."""


class AlreadyReported(DomainError):
    """The sales before joining were reported already; only the operators change them."""

    default_code = "report.sales_reported"


# --- the donation log: Merkle proofs, signed notes, checkpoints, cosignatures ---------------


class LogRefused(DomainError):
    """A proof asked for a leaf or a size the log does not have, or a note, checkpoint, key or
    cosignature that is malformed or whose signature does not check."""


# --- failures of the machinery, not refusals by a rule --------------------------------------
# They stand apart from DomainError on purpose: a caller that turns refusals into 4xx answers
# must not swallow them (a provider that did not answer is retried, not refused).


class PaymentError(Exception):
    """The payment provider could not do what was asked (network, declined, misconfigured)."""


class WebhookRejected(Exception):
    """A webhook whose signature, timestamp or body cannot be trusted."""


class ConfigError(RuntimeError):
    """The environment does not describe a runnable shop."""


class LogLeavesOutOfOrder(Exception):
    """The log's stored leaves have a gap or an entry (payout) out of id order: the fast audit
    (storefront/services/log.py) stops, and the reference pass names what is wrong."""


class WriteInReadTransaction(Exception):
    """A GET view tried to write in SQLite's read snapshot; storefront/sqlite.py runs it again."""
