"""Load the demo catalogue, a scaled catalogue for benchmarks, and a history of paid orders."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from storefront.demo import data, images
from storefront.domain.accounts import business_number_check_digit, format_business_number
from storefront.domain.catalog import CATEGORIES
from storefront.domain.impact import (
    FIRST_MONTHS,
    VULNERABLE_GROUPS,
    Quarter,
    first_months,
    quarters_between,
)
from storefront.domain.periods import local_date, local_today, to_utc
from storefront.domain.rich_text import markdown_to_html
from storefront.models import (
    Cause,
    ImpactReport,
    Membership,
    Order,
    Product,
    SalesBeforeJoining,
    Venture,
    utcnow,
)
from storefront.payments.test_provider import TestProvider, paid_session
from storefront.services import funds, impact, notices, payments, payouts, recommend, search
from storefront.services.cart import Cart, CartItem
from storefront.services.checkout import ShopperDetails, ShopRules, place_order

SEED = 20181017  # the day of the article the shop grew from


def _demo_business_number(index: int) -> str:
    first_nine = f"{105 + index:03d}82{10000 + index * 37:04d}"[:9]
    return format_business_number(first_nine + str(business_number_check_digit(first_nine)))


def _joined_days_ago(index: int) -> int:
    """When demo venture ``index`` was approved: most of them between about twenty and five
    months ago, the last few recently enough to be still in their first three months."""
    recent = (75, 50, 30, 12)
    first_recent = len(data.VENTURES) - len(recent)
    if index >= first_recent:
        return recent[index - first_recent]
    return 600 - index * 24


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
        joined = now - timedelta(days=_joined_days_ago(vi), hours=rng.randint(0, 8))
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
            created_at=joined - timedelta(days=14),
            reviewed_at=joined,
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


def load_shop(db: Session, config: Any, order_count: int) -> tuple[dict[str, int], int, int]:
    """The whole demo shop but its accounts: catalogue, matching funds, paid orders, payouts
    and impact reports. Returns the catalogue counts, the orders placed and the reports."""
    counts = load_catalogue(db, Path(config["MEDIA_ROOT"]))
    currency = config["SHOP_CURRENCY"]
    load_funds(db, currency)
    placed = load_orders(db, ShopRules.from_config(config), order_count) if order_count else 0
    if placed:
        load_payouts(db, Path(config["PAYOUT_PROOFS_ROOT"]), currency)
        recommend.refresh(db, utcnow())  # the demo shows recommendations from the start
    return counts, placed, load_impact_reports(db)


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
    owed = sorted(payouts.cause_balances(db), key=lambda b: -b.outstanding)[:2]
    for i, balance in enumerate(owed):
        if balance.outstanding <= 1:
            continue
        payouts.record(
            db, balance.key, balance.outstanding // 2, local_today(now - timedelta(days=3)),
            f"KB-DEMO-{2026110 + i}", "데모 지급", None, root, None, currency, now,
        )  # fmt: skip
    return len(owed)


def load_orders(db: Session, rules: ShopRules, count: int = 60, now: datetime | None = None) -> int:
    """Place and pay a history of demo orders, so the ledger and the impact report have data.

    ``count`` orders from any venture over the last three months, and a few orders each month
    of every venture's first three months after it joined (the impact report's window). They
    go through the same pricing, stock and fulfilment code as a shopper's order: each is paid
    through the test provider, as with a test card, and fulfilled by ``payments.fulfil``.

    The shoppers have tastes (``_tastes``): each buys mostly in one or two favourite
    categories and for one favourite cause, and puts in one cart things that go together
    (from the same venture or of the same category), so that the recommendations have
    co-purchases to learn from (docs/recommendations.md).
    """
    now = now or utcnow()
    provider = TestProvider(get_session=lambda: db, webhook_secret="", page_url=lambda _id: "")
    rng = random.Random(SEED + 1)
    plan: list[tuple[datetime, int | None]] = [
        (
            now
            - timedelta(
                days=rng.randint(0, 90), hours=rng.randint(0, 23), minutes=rng.randint(0, 59)
            ),
            None,
        )
        for _ in range(count)
    ]
    if count:
        plan += _first_month_plan(db, rng, now)
    plan.sort(key=lambda item: item[0])
    taste_rng = random.Random(SEED + 2)  # apart from ``rng``: the plan's dates stay as they were
    causes = list(db.scalars(select(Cause.id).order_by(Cause.id)))
    tastes = _tastes(taste_rng, causes)
    for i, (when, venture_id) in enumerate(plan):
        stmt = (
            select(Product, Venture.default_cause_id)
            .join(Venture, Venture.id == Product.venture_id)
            .where(Product.status == "published", Product.stock > 3, Venture.reviewed_at <= when)
            .order_by(Product.id)
        )
        if venture_id:
            stmt = stmt.where(Product.venture_id == venture_id)
        in_stock = [(product, cause) for product, cause in db.execute(stmt)]
        if not in_stock:
            continue
        # the venture's first months: a shopper who likes what it sells
        who = _fan_of(taste_rng, tastes, in_stock) if venture_id else i % SHOPPERS
        picks = _basket(taste_rng, tastes[who], in_stock)
        cart = Cart({(p.id, None): CartItem(rng.randint(1, 3), p.price) for p in picks})
        order = place_order(db, cart, _shopper(i, who), rules, "test", when)
        _pay(db, provider, order, when + timedelta(minutes=3))
        if venture_id:  # history from long ago: the venture has restocked since
            for line in order.lines:
                product = db.get(Product, line.product_id)
                if product is not None:
                    product.stock += line.quantity
    return len(plan)


SHOPPERS = 25
FAVOURITE_SHARE = 0.85  # of a shopper's carts started from their favourites
TOGETHER_SHARE = 0.75  # of the items after the first taken from what goes with it


@dataclass(frozen=True)
class Taste:
    """What a demo shopper likes: one or two categories, and one cause."""

    categories: frozenset[str]
    cause_id: int

    def likes(self, product: Product, cause_id: int) -> bool:
        return product.category in self.categories or cause_id == self.cause_id


def _tastes(rng: random.Random, causes: list[int]) -> list[Taste]:
    return [
        Taste(
            categories=frozenset(rng.sample(CATEGORIES, k=rng.choice((1, 2, 2)))),
            cause_id=rng.choice(causes),
        )
        for _ in range(SHOPPERS)
    ]


def _fan_of(rng: random.Random, tastes: list[Taste], in_stock: list[tuple[Product, int]]) -> int:
    """A shopper who likes much of ``in_stock``: the more of it they like, the likelier."""
    weights = [sum(taste.likes(*item) for item in in_stock) ** 2 for taste in tastes]
    if not any(weights):
        return rng.randrange(len(tastes))
    return rng.choices(range(len(tastes)), weights=weights)[0]


def _basket(rng: random.Random, taste: Taste, in_stock: list[tuple[Product, int]]) -> list[Product]:
    """One to three products for a shopper of ``taste``: the first mostly among their
    favourites, the others mostly from its venture or its category, among their favourites."""
    liked = [p for p, cause in in_stock if taste.likes(p, cause)]
    everything = [p for p, _cause in in_stock]
    first = rng.choice(liked if liked and rng.random() < FAVOURITE_SHARE else everything)
    picks = [first]
    for _ in range(rng.choice((0, 1, 1, 2))):
        goes_with = [
            p
            for p in liked or everything
            if p not in picks and (p.venture_id == first.venture_id or p.category == first.category)
        ]
        others = [p for p in everything if p not in picks]
        pool = goes_with if goes_with and rng.random() < TOGETHER_SHARE else others
        if pool:
            picks.append(rng.choice(pool))
    return picks


def _first_month_plan(
    db: Session, rng: random.Random, now: datetime
) -> list[tuple[datetime, int | None]]:
    """Two to six orders in each of each venture's first three months, up to now."""
    plan: list[tuple[datetime, int | None]] = []
    for venture in db.scalars(select(Venture).where(Venture.reviewed_at.is_not(None))):
        assert venture.reviewed_at is not None
        for month in first_months(local_date(venture.reviewed_at)):
            for _ in range(rng.randint(2, 6)):
                when = to_utc(month) + timedelta(days=rng.randint(0, 27), hours=rng.randint(1, 20))
                if when < now - timedelta(hours=1):
                    plan.append((when, venture.id))
    return plan


NAMES = ["김민지", "이서준", "박지훈", "최유진", "정하은", "강도윤", "조수아", "윤지호"]


def _shopper(i: int, who: int | None = None) -> ShopperDetails:
    return ShopperDetails(
        email=f"shopper{i % SHOPPERS if who is None else who}@example.com",
        name=NAMES[i % len(NAMES)],
        phone="010-1234-5678",
        postcode="04524",
        address="서울특별시 중구 세종대로 110",
        address_detail=f"{100 + i}호",
        cause_id=None,
    )


def load_impact_reports(db: Session, now: datetime | None = None) -> int:
    """What the demo ventures reported: sales before joining (most of them, once, soon after
    joining) and the people they employ, each quarter since they joined (at most six)."""
    now = now or utcnow()
    rng = random.Random(SEED + 3)
    today = local_today(now)
    ventures = db.scalars(
        select(Venture).where(Venture.reviewed_at.is_not(None)).order_by(Venture.id)
    ).all()
    first_sales = impact.first_months_sales(db)
    filed = 0
    for index, venture in enumerate(ventures):
        assert venture.reviewed_at is not None
        joined = local_date(venture.reviewed_at)
        if index % 5 != 4:  # one in five never reported its sales before joining
            after = first_sales.get(venture.id, 0) // FIRST_MONTHS or rng.randint(20, 60) * 10_000
            db.add(
                SalesBeforeJoining(
                    venture_id=venture.id,
                    monthly_sales=after * rng.randint(12, 40) // 100 // 10_000 * 10_000,
                    reported_at=venture.reviewed_at + timedelta(days=rng.randint(1, 10)),
                )
            )
        group = MISSION_GROUP.get(venture.mission, "other")
        total, vulnerable = rng.randint(4, 12), rng.randint(1, 3)
        last = Quarter.of(today)
        if index % 3 == 2:
            last = last.shift(-1)  # has not filed for this quarter yet
        for quarter in quarters_between(max(Quarter.of(joined), last.shift(-5)), last):
            total += rng.randint(0, 3)
            vulnerable = min(total, vulnerable + rng.randint(0, 2))
            filed_at = min(to_utc(quarter.shift(1).first_day) + timedelta(days=5), now)
            counts = {g: 0 for g in VULNERABLE_GROUPS}
            counts[group] = vulnerable - vulnerable // 4
            counts["other" if group != "other" else "elderly"] = vulnerable // 4
            db.add(
                ImpactReport(
                    venture_id=venture.id,
                    year=quarter.year,
                    quarter=quarter.number,
                    total_employees=total,
                    submitted_at=filed_at,
                    **counts,
                )
            )
            filed += 1
    db.flush()
    return filed


MISSION_GROUP = {
    "disability": "disability",
    "career_break_women": "career_break_women",
    "seniors": "elderly",
}


def _pay(db: Session, provider: TestProvider, order: Order, when: datetime) -> None:
    """Pay a demo order at ``when`` the way a test-card payment is paid: a paid test session
    (so refunds work on demo orders too), then the shop's one fulfilment path. The shoppers
    are made up, so nobody is emailed."""
    order.payment_session_id = f"cs_test_demo_{order.id}"
    db.add(paid_session(order, f"pi_test_demo_{order.id}", when))
    db.flush()
    state = provider.retrieve_session(order.payment_session_id)
    outcome = payments.fulfil(db, provider, order, state, when)
    if outcome != "paid":
        raise RuntimeError(f"demo order {order.number} was not paid: {outcome}")
    notices.discard(db)


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
    description = "벤치마크용 상품입니다."
    description_html = markdown_to_html(description)  # core inserts skip the model's rendering
    added = 0
    last_id = db.scalar(select(func.max(Product.id))) or 0
    while existing + added < total_products:
        rows: list[dict[str, object]] = []
        for _ in range(min(batch, total_products - existing - added)):
            n = existing + added + len(rows) + 1
            category = CATEGORIES[n % len(CATEGORIES)]
            rows.append(
                {
                    "venture_id": ventures[n % len(ventures)],
                    "title": f"{rng.choice(words)} {category} 상품 {n}",
                    "description": description,
                    "description_html": description_html,
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
    search.reindex_all(db.connection(), after_id=last_id)  # bulk inserts skip the ORM's hook
    db.execute(text("ANALYZE product"))  # fresh planner statistics, as a live shop would have
    if db.get_bind().dialect.name == "postgresql":  # a few rows never wake autovacuum
        db.execute(text("ANALYZE venture, product_search"))
    return added
