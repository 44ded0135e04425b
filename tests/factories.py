"""Small factories for tests: build what a test needs and nothing more."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from storefront.models import Cause, MatchingFund, Product, Refund, User, Venture
from storefront.services import ledger, sales
from tests.helpers import PASSWORD

_seq = itertools.count(1)


def make_cause(session: Any, **fields: Any) -> Cause:
    n = next(_seq)
    cause = Cause(**{"slug": f"cause-{n}", "name": f"기부처 {n}", **fields})
    session.add(cause)
    session.flush()
    return cause


def make_venture(session: Any, cause: Cause | None = None, **fields: Any) -> Venture:
    n = next(_seq)
    cause = cause or make_cause(session)
    venture = Venture(
        **{
            "slug": f"venture-{n}",
            "name": f"소셜벤처 {n}",
            "mission": "disability",
            "giving_rate_bp": 500,
            "default_cause_id": cause.id,
            "status": "approved",
            **fields,
        }
    )
    session.add(venture)
    session.flush()
    return venture


def make_operator(session: Any, email: str = "ops@example.com") -> User:
    """An operator account (password ``PASSWORD``), committed so that it can sign in."""
    from storefront.services.accounts import sign_up as create

    user = create(session, email, "운영자", PASSWORD)
    user.is_operator = True
    session.commit()
    return user


def make_fund(session: Any, budget: int = 100_000_000, **fields: Any) -> MatchingFund:
    """A matching fund (1:1, for everything, no cap, no period unless given)."""
    from storefront.models import utcnow
    from storefront.services import funds

    values: dict[str, Any] = {
        "name": f"더블기부 {next(_seq)}",
        "sponsor": "상생재단",
        "currency": "KRW",
        "rate_bp": 10000,
        **fields,
    }
    return funds.create(session, budget=budget, now=utcnow(), **values)


def make_product(session: Any, venture: Venture, **fields: Any) -> Product:
    n = next(_seq)
    product = Product(
        **{
            "venture_id": venture.id,
            "title": f"상품 {n}",
            "description": "테스트 상품",
            "category": "food",
            "price": 15000,
            "stock": 10,
            "status": "published",
            **fields,
        }
    )
    session.add(product)
    session.flush()
    return product


@dataclass
class Shop:
    cause: Cause
    other_cause: Cause
    venture: Venture
    other_venture: Venture
    product: Product  # ₩15,000, 10 in stock, venture gives 5%
    cheap: Product  # ₩3,300, 50 in stock
    last_one: Product  # ₩20,000, 1 in stock, other venture gives 10%
    sold_out: Product
    fund: MatchingFund  # 1:1 for everything, ₩100,000,000


def small_shop(session: Any) -> Shop:
    cause = make_cause(session, name="징검다리재단")
    other_cause = make_cause(session, name="푸른물결기금")
    venture = make_venture(session, cause, name="햇살베이커리", giving_rate_bp=500)
    other = make_venture(session, other_cause, name="다시입다", giving_rate_bp=1000)
    shop = Shop(
        cause=cause,
        other_cause=other_cause,
        venture=venture,
        other_venture=other,
        product=make_product(session, venture, title="우리밀 쿠키 세트", price=15000, stock=10),
        cheap=make_product(session, venture, title="현미 누룽지", price=3300, stock=50),
        last_one=make_product(
            session, other, title="업사이클 가방", price=20000, stock=1, category="fashion"
        ),
        sold_out=make_product(
            session, other, title="품절 파우치", price=9000, stock=0, category="fashion"
        ),
        fund=make_fund(session, name="더블기부", sponsor="상생재단"),
    )
    session.commit()
    return shop


@dataclass
class Line:
    """One line for ``make_paid_order``: by default 5% given, matched 1:1 by a test fund."""

    product: Product
    quantity: int = 1
    shipping: int = 0
    status: str = "paid"
    unit_price: int | None = None
    donation: int | None = None
    match: int | None = None
    cause_id: int | None = None


def make_paid_order(
    session: Any,
    venture: Venture,
    lines: list[Line],
    *,
    when: Any = None,
    email: str = "buyer@example.com",
    number: str | None = None,
    record: bool = True,
    fund: MatchingFund | None = None,
    gift: int = 0,
) -> Any:
    """A paid order built directly, with its ledger entries recorded at ``when``.

    Matches are drawn from ``fund`` (by default a fund with room for every test) as a paid
    order's would be.
    """
    from datetime import timedelta

    from sqlalchemy import select

    from storefront.models import Order, OrderLine, utcnow
    from storefront.services import funds, ledger

    if fund is None and any(spec.match != 0 for spec in lines):
        fund = session.scalar(
            select(MatchingFund).where(MatchingFund.name == "factory fund")
        ) or make_fund(session, budget=10**12, name="factory fund")

    when = when or utcnow()
    built = []
    for spec in lines:
        price = spec.unit_price if spec.unit_price is not None else spec.product.price
        goods = price * spec.quantity
        donation = spec.donation if spec.donation is not None else goods * 500 // 10000
        built.append(
            OrderLine(
                product_id=spec.product.id,
                venture_id=venture.id,
                cause_id=spec.cause_id or venture.default_cause_id,
                title=spec.product.title,
                unit_price=price,
                quantity=spec.quantity,
                goods_amount=goods,
                giving_rate_bp=500,
                match_rate_bp=10000,
                donation_amount=donation,
                match_amount=0,
                match_wanted=spec.match if spec.match is not None else donation,
                fund_id=fund.id if fund is not None and spec.match != 0 else None,
                shipping_amount=spec.shipping,
                status="paid",
            )
        )
    goods_total = sum(line.goods_amount for line in built)
    shipping_total = sum(spec.shipping for spec in lines)
    order = Order(
        number=number or f"SS-F-{next(_seq):06d}",
        access_token="t",
        status="paid",
        email=email,
        name="구매자",
        phone="01012345678",
        postcode="04524",
        address="서울특별시 중구 세종대로 110",
        currency="KRW",
        goods_total=goods_total,
        shipping_total=shipping_total,
        gift_amount=gift,
        total=goods_total + shipping_total + gift,
        donation_total=sum(line.donation_amount for line in built),
        match_total=sum(line.match_wanted for line in built),
        payment_provider="test",
        payment_intent_id=f"pi_factory_{next(_seq)}",
        created_at=when,
        expires_at=when + timedelta(minutes=30),
        paid_at=when,
        lines=built,
    )
    session.add(order)
    session.flush()
    if record:
        funds.draw(session, order)
        ledger.record_order(session, order, when)
    for line, spec in zip(order.lines, lines, strict=True):
        line.status = spec.status
    session.flush()
    sales.restate(session, order.id)
    return order


def refund_line(session: Any, order: Any, line: Any, when: Any) -> Any:
    """Cancel one line as the seller page does: a refund, then reversing ledger entries."""
    refund = Refund(
        order_id=order.id,
        order_line_id=line.id,
        amount=line.goods_amount,
        currency="KRW",
        reason="line_cancelled",
        created_at=when,
    )
    session.add(refund)
    session.flush()
    line.status, line.cancelled_at = "cancelled", when
    sales.restate(session, order.id)
    return ledger.reverse_line(session, line, refund, when)
