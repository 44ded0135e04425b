"""Shoppers' accounts in the services, on SQLite and PostgreSQL alike: claiming guest orders,
giving per year and cause, saved addresses, deleting an account."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from storefront.domain.errors import AccountRefused, AddressRefused
from storefront.models import LedgerEntry, Membership, Order, Product, SavedAddress
from storefront.services import accounts, shoppers, wishlist
from tests.factories import Line, make_paid_order, refund_line
from tests.helpers import PASSWORD

NOW = datetime(2026, 3, 1, tzinfo=UTC)
HOME = shoppers.AddressDetails("김민지", "01012345678", "04524", "서울 중구 세종대로 110", "")


def account(session, email="buyer@example.com", verified=True):
    user = accounts.sign_up(session, email, "김민지", PASSWORD)
    if verified:
        user.email_verified_at = NOW
    session.flush()
    return user


def test_a_verified_account_claims_its_emails_guest_orders_in_any_case(session, shop):
    mine = make_paid_order(session, shop.venture, [Line(shop.cheap)], email="BUYER@example.com")
    theirs = make_paid_order(session, shop.venture, [Line(shop.cheap)], email="x@example.com")
    other = account(session, "other@example.com")
    owned = make_paid_order(session, shop.venture, [Line(shop.cheap)], email="buyer@example.com")
    owned.user_id = other.id  # placed signed in to another account: not a guest's order
    user = account(session)
    assert shoppers.claim_guest_orders(session, user) == 1
    session.expire_all()
    assert session.get(Order, mine.id).user_id == user.id
    assert session.get(Order, theirs.id).user_id is None
    assert session.get(Order, owned.id).user_id == other.id


def test_an_unverified_account_claims_nothing(session, shop):
    order = make_paid_order(session, shop.venture, [Line(shop.cheap)], email="buyer@example.com")
    user = account(session, verified=False)
    assert shoppers.claim_guest_orders(session, user) == 0
    session.expire_all()
    assert session.get(Order, order.id).user_id is None


def test_giving_is_netted_per_year_and_cause_from_the_ledger(session, shop):
    user = account(session)
    old = make_paid_order(
        session,
        shop.venture,
        [Line(shop.product, donation=750, match=750)],
        when=datetime(2025, 12, 31, 16, tzinfo=UTC),  # 2026-01-01 01:00 in Seoul
    )
    new = make_paid_order(
        session,
        shop.venture,
        [Line(shop.product, donation=750, match=750), Line(shop.cheap, donation=165, match=165)],
        when=datetime(2026, 5, 1, tzinfo=UTC),
    )
    earlier = make_paid_order(
        session,
        shop.other_venture,
        [Line(shop.last_one, donation=2000, match=0)],
        when=datetime(2025, 6, 1, tzinfo=UTC),
    )
    for order in (old, new, earlier):
        order.user_id = user.id
    refund_line(session, new, new.lines[1], datetime(2026, 5, 2, tzinfo=UTC))
    session.flush()
    years = shoppers.giving_of(session, user)
    assert [y.year for y in years] == [2026, 2025]
    this_year = years[0]
    assert (this_year.net.donation, this_year.net.match) == (1500, 1500)  # 165s reversed
    assert [o.number for o in this_year.orders] == [new.number, old.number]
    assert years[1].by_cause[0][0] == shop.other_cause.name and years[1].net.total == 2000


def test_an_account_keeps_at_most_ten_addresses_with_one_default(session, shop):
    user = account(session)
    first = shoppers.add_address(session, user, HOME)
    for _ in range(9):
        shoppers.add_address(session, user, HOME)
    with pytest.raises(AddressRefused):
        shoppers.add_address(session, user, HOME)
    last = shoppers.addresses_of(session, user)[-1]
    shoppers.make_default(session, user, last)
    session.flush()
    defaults = session.scalars(select(SavedAddress.id).where(SavedAddress.is_default)).all()
    assert defaults == [last.id] and first.id != last.id


def test_deleting_an_account_keeps_its_orders_and_the_ledger(session, shop):
    user = account(session)
    shoppers.add_address(session, user, HOME)
    order = make_paid_order(session, shop.venture, [Line(shop.product)])
    order.user_id = user.id
    entries = session.scalar(select(func.count()).select_from(LedgerEntry))
    token = user.session_token
    with pytest.raises(AccountRefused):
        shoppers.delete_account(session, user, "not the password", NOW)
    shoppers.delete_account(session, user, PASSWORD, NOW)
    session.flush()
    assert user.email == f"deleted-{user.id}@invalid" and not user.active
    assert user.session_token != token
    assert session.scalar(select(func.count()).select_from(SavedAddress)) == 0
    assert session.get(Order, order.id).total == order.total
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    again = accounts.sign_up(session, "buyer@example.com", "새 계정", PASSWORD)
    assert again.id != user.id


def test_deleting_an_account_deletes_its_saves_alerts_and_follows_and_lowers_the_counts(
    session, shop
):
    user = account(session)
    other = account(session, "other@example.com")
    for product in (shop.product, shop.cheap):
        assert wishlist.save(session, user.id, product, "ko")
    wishlist.save(session, other.id, shop.product, "ko")
    wishlist.set_alert(session, user.id, shop.product.id, True, "ko")
    wishlist.follow(session, user.id, shop.venture)
    wishlist.follow(session, other.id, shop.venture)
    session.execute(update(Product).where(Product.id == shop.cheap.id).values(saved_count=0))
    session.flush()

    shoppers.delete_account(session, user, PASSWORD, NOW)
    session.flush()
    session.expire_all()
    assert wishlist.saved_items(session, user.id) == []
    assert [i.product.id for i in wishlist.saved_items(session, other.id)] == [shop.product.id]
    assert session.get(Product, shop.product.id).saved_count == 1  # the other account's
    assert session.get(Product, shop.cheap.id).saved_count == 0  # never below zero
    assert not wishlist.follows(session, user.id, shop.venture.id)
    assert wishlist.follows(session, other.id, shop.venture.id)
    assert wishlist.back_in_stock(session, session.get(Product, shop.product.id), NOW) == 0


def test_a_venture_member_cannot_delete_the_account(session, shop):
    user = account(session)
    session.add(Membership(user_id=user.id, venture_id=shop.venture.id, role="owner"))
    session.flush()
    with pytest.raises(AccountRefused) as refused:
        shoppers.delete_account(session, user, PASSWORD, NOW)
    assert refused.value.code == "account.has_ventures"
