"""Load the demo catalogue, a scaled catalogue for benchmarks, and a history of paid orders."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from storefront.demo import data, images
from storefront.domain.accounts import business_number_check_digit, format_business_number
from storefront.domain.catalog import CATEGORIES
from storefront.models import (
    Cause,
    Membership,
    Order,
    Product,
    Venture,
    utcnow,
)
from storefront.payments.test_provider import paid_session
from storefront.services import disbursements, funds, ledger
from storefront.services.cart import Cart, CartItem
from storefront.services.checkout import ShopperDetails, ShopRules, place_order

SEED = 20181017  # the day of the article the shop grew from


def _demo_business_number(index: int) -> str:
    first_nine = f"{105 + index:03d}82{10000 + index * 37:04d}"[:9]
    return format_business_number(first_nine + str(business_number_check_digit(first_nine)))


def is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(Venture))


def load_catalogue(db: Session, media_root: Path, now: datetime | None = None) -> dict[str, int]:
    """Insert the demo causes, ventures and products, and draw their pictures."""
    now = now or utcnow()
    rng = random.Random(SEED)
    causes = {}
    for i, row in enumerate(data.CAUSES):
        logo = f"demo/causes/{row['slug']}.png"
        images.logo_image(media_root / logo, row["color"], SEED + i)
        cause = Cause(
            slug=row["slug"],
            name=row["name"],
            description=row["description"],
            registration=row["registration"],
            logo=logo,
        )
        db.add(cause)
        causes[row["slug"]] = cause
    db.flush()
    products = 0
    for vi, row in enumerate(data.VENTURES):
        logo = f"demo/ventures/{row['slug']}.png"
        images.logo_image(media_root / logo, row["color"], SEED + 100 + vi)
        venture = Venture(
            slug=row["slug"],
            name=row["name"],
            mission=row["mission"],
            region=row["region"],
            story=row["story"],
            founded=row["founded"],
            logo=logo,
            giving_rate_bp=row["giving_rate_bp"],
            default_cause_id=causes[row["cause"]].id,
            registration_number=_demo_business_number(vi),
            contact_email=f"hello@{row['slug']}.test",
            contact_phone=f"02-555-{1000 + vi:04d}",
            status="approved",
            featured=vi % 4 == 0,
            created_at=now - timedelta(days=400 - vi * 7),
        )
        db.add(venture)
        db.flush()
        for pi, item in enumerate(row["products"]):
            image = f"demo/products/{row['slug']}-{pi + 1}.jpg"
            images.product_image(
                media_root / image, item["category"], row["color"], SEED + vi * 100 + pi
            )
            db.add(
                Product(
                    venture_id=venture.id,
                    title=item["title"],
                    description=item["description"],
                    category=item["category"],
                    price=item["price"],
                    stock=item["stock"],
                    status="published",
                    image=image,
                    created_at=now
                    - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1440)),
                )
            )
            products += 1
    db.flush()
    return {"causes": len(causes), "ventures": len(data.VENTURES), "products": products}


DEMO_PASSWORD = "sangsaeng-demo-1234"  # noqa: S105 - demo accounts only; refused in production
DEMO_OPERATOR = "operator@sangsaeng.test"


def load_accounts(db: Session) -> list[str]:
    """An operator and an owner for each of the first three ventures, all with DEMO_PASSWORD."""
    from storefront.services import accounts

    operator = accounts.sign_up(db, DEMO_OPERATOR, "상생 운영자", DEMO_PASSWORD)
    operator.is_operator = True
    emails = [operator.email]
    for venture in db.scalars(select(Venture).order_by(Venture.id).limit(3)):
        owner = accounts.sign_up(
            db, f"owner@{venture.slug}.test", f"{venture.name} 대표", DEMO_PASSWORD
        )
        db.add(Membership(user_id=owner.id, venture_id=venture.id, role="owner"))
        emails.append(owner.email)
    db.flush()
    return emails


def load_funds(db: Session, currency: str, now: datetime | None = None) -> int:
    """Open two demo matching funds: a large 1:1 fund for everything and a small 2:1 fund for
    food that the demo orders nearly use up, so both "matched" and "ran out" can be seen."""
    now = now or utcnow()
    funds.create(
        db,
        name="상생 더블기부",
        sponsor="상생 파트너스",
        description="상생에서 산 모든 상품의 기부를 1:1로 더합니다.",
        currency=currency,
        rate_bp=10000,
        budget=3_000_000,
        cap_per_order=10_000,
        now=now - timedelta(days=120),
    )
    funds.create(
        db,
        name="먹거리 나눔 펀드",
        sponsor="한끼재단",
        description="먹거리 상품의 기부를 2:1로 더합니다. 예산이 다 쓰이면 끝납니다.",
        currency=currency,
        rate_bp=20000,
        budget=60_000,
        categories=["food"],
        now=now - timedelta(days=120),
    )
    return 2


def load_payouts(db: Session, root: Path, currency: str, now: datetime | None = None) -> int:
    """Record a payout of half of what each of the two causes owed most is owed."""
    now = now or utcnow()
    owed = sorted(disbursements.cause_balances(db), key=lambda b: -b.outstanding)[:2]
    for i, balance in enumerate(owed):
        if balance.outstanding <= 1:
            continue
        disbursements.record(
            db, balance.key, balance.outstanding // 2, (now - timedelta(days=3)).date(),
            f"KB-DEMO-{2026110 + i}", "demo payout", None, root, None, currency, now,
        )  # fmt: skip
    return len(owed)


def load_orders(db: Session, rules: ShopRules, count: int = 60, now: datetime | None = None) -> int:
    """Place and pay a history of demo orders over the last three months, so the ledger has data.

    They go through the same pricing and stock code as a shopper's order; only the payment
    step is skipped (these orders never saw a provider).
    """
    now = now or utcnow()
    rng = random.Random(SEED + 1)
    names = ["김민지", "이서준", "박지훈", "최유진", "정하은", "강도윤", "조수아", "윤지호"]
    placed = 0
    times = sorted(
        now
        - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        for _ in range(count)
    )
    for i, when in enumerate(times):
        in_stock = db.scalars(
            select(Product)
            .where(Product.status == "published", Product.stock > 3)
            .order_by(Product.id)
        ).all()
        picks = rng.sample(list(in_stock), k=min(len(in_stock), rng.randint(1, 3)))
        cart = Cart({(p.id, None): CartItem(rng.randint(1, 2), p.price) for p in picks})
        name = names[i % len(names)]
        order = place_order(
            db,
            cart,
            ShopperDetails(
                email=f"shopper{i % 25}@example.com",
                name=name,
                phone="010-1234-5678",
                postcode="04524",
                address="서울특별시 중구 세종대로 110",
                address_detail=f"{100 + i}호",
                cause_id=None,
            ),
            rules,
            "test",
            when,
        )
        _mark_paid(db, order, when + timedelta(minutes=3))
        placed += 1
    return placed


def _mark_paid(db: Session, order: Order, when: datetime) -> None:
    order.status = "paid"
    order.paid_at = when
    # Paid through the test provider, so that refunds work on demo orders too.
    order.payment_session_id = f"cs_test_demo_{order.id}"
    order.payment_intent_id = f"pi_test_demo_{order.id}"
    db.add(paid_session(order, order.payment_intent_id, when))
    for line in order.lines:
        line.status = "paid"
        product = db.get(Product, line.product_id)
        if product is not None:
            product.units_sold += line.quantity
    funds.draw(db, order)
    ledger.record_order(db, order, when)


def load_scaled(db: Session, total_products: int, batch: int = 5000) -> int:
    """Add synthetic products until the catalogue holds ``total_products`` (for benchmarks)."""
    existing = db.scalar(select(func.count()).select_from(Product)) or 0
    ventures = db.scalars(select(Venture.id).order_by(Venture.id)).all()
    images_ = db.scalars(select(Product.image).where(Product.image.is_not(None)).limit(200)).all()
    if not ventures:
        raise RuntimeError("load the demo catalogue first")
    rng = random.Random(SEED + 2)
    now = utcnow()
    words = ["유기농", "수제", "업사이클", "친환경", "로컬", "선물세트", "한정판", "데일리"]
    added = 0
    while existing + added < total_products:
        rows: list[dict[str, object]] = []
        for _ in range(min(batch, total_products - existing - added)):
            n = existing + added + len(rows) + 1
            category = CATEGORIES[n % len(CATEGORIES)]
            rows.append(
                {
                    "venture_id": ventures[n % len(ventures)],
                    "title": f"{rng.choice(words)} {category} 상품 {n}",
                    "description": "벤치마크용 상품입니다.",
                    "category": category,
                    "price": rng.randint(30, 1200) * 100,
                    "currency": "KRW",
                    "stock": rng.randint(0, 200),
                    "units_sold": rng.randint(0, 500),
                    "status": "published",
                    "image": images_[n % len(images_)] if images_ else None,
                    "created_at": now - timedelta(minutes=n),
                    "updated_at": now,
                }
            )
        db.execute(insert(Product), rows)
        added += len(rows)
    db.execute(text("ANALYZE product"))  # fresh planner statistics, as a live shop would have
    return added
