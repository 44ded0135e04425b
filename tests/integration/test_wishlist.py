"""The wishlist service: saved counts never drift below zero, a visitor's saves merge into an
account once, and a restock claims each back-in-stock email once."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from storefront.domain.errors import WishlistRefused
from storefront.models import Product, SavedProduct
from storefront.services import accounts, notices, wishlist
from tests.helpers import PASSWORD


@pytest.fixture
def user(session):
    made = accounts.sign_up(session, "saver@example.com", "찜하는 사람", PASSWORD)
    session.commit()
    return made


def count_of(session, product):
    session.expire_all()
    return session.get(Product, product.id).saved_count


def test_a_removal_never_takes_the_count_below_zero(session, shop, user):
    assert wishlist.save(session, user.id, shop.product, "ko")
    session.execute(update(Product).where(Product.id == shop.product.id).values(saved_count=0))
    assert wishlist.unsave(session, user.id, shop.product.id)
    session.commit()
    assert count_of(session, shop.product) == 0
    assert wishlist.unsave_in_session(session, [shop.product.id], shop.product.id) == []
    session.commit()
    assert count_of(session, shop.product) == 0


def test_the_session_list_drops_what_is_not_a_product_id(session):
    raw = [3, "4", -1, 0, 3, True, 5.0, 7, *range(1000, 1200)]
    ids = wishlist.session_ids(raw)
    assert ids[:2] == [3, 7] and len(ids) == wishlist.MAX_SESSION_SAVES
    assert wishlist.session_ids("not a list") == []


def test_a_full_session_list_refuses_one_more(session, shop):
    full = list(range(5000, 5000 + wishlist.MAX_SESSION_SAVES))
    with pytest.raises(WishlistRefused):
        wishlist.save_in_session(session, full, shop.product)
    assert wishlist.save_in_session(session, full[:-1], shop.product)[0] == shop.product.id


def test_merging_adds_new_saves_and_corrects_the_count_of_the_ones_already_saved(
    session, shop, user
):
    wishlist.save(session, user.id, shop.product, "ko")
    ids = wishlist.save_in_session(session, [], shop.product)
    ids = wishlist.save_in_session(session, ids, shop.cheap)
    session.commit()
    assert count_of(session, shop.product) == 2
    assert wishlist.merge(session, user.id, [*ids, 999_999], "en") == 1
    session.commit()
    assert count_of(session, shop.product) == 1 and count_of(session, shop.cheap) == 1
    rows = session.scalars(select(SavedProduct).where(SavedProduct.user_id == user.id)).all()
    assert {row.product_id for row in rows} == {shop.product.id, shop.cheap.id}


def test_a_restock_claims_each_email_once(session, shop, user):
    product = shop.product
    wishlist.save(session, user.id, product, "en")
    wishlist.set_alert(session, user.id, product.id, True, "en")
    assert wishlist.back_in_stock(session, product) == 1
    assert [(n.kind, n.to, n.locale) for n in notices.recorded(session)] == [
        ("back_in_stock", "saver@example.com", "en")
    ]
    assert wishlist.back_in_stock(session, product) == 0
    session.commit()
    wishlist.set_alert(session, user.id, product.id, True, "ko")
    assert wishlist.back_in_stock(session, product) == 1


def test_no_email_for_a_product_not_published_or_an_account_switched_off(session, shop, user):
    wishlist.save(session, user.id, shop.product, "ko")
    wishlist.set_alert(session, user.id, shop.product.id, True, "ko")
    shop.product.status = "archived"
    assert wishlist.back_in_stock(session, shop.product) == 0
    shop.product.status = "published"
    user.active = False
    assert wishlist.back_in_stock(session, shop.product) == 0


def test_an_unsubscribe_token_names_its_account_and_nothing_else(app):
    tokens = wishlist.AlertTokens("secret")
    assert tokens.user_id(tokens.issue(42)) == 42
    assert wishlist.AlertTokens("other secret").user_id(tokens.issue(42)) is None
    assert tokens.user_id("42") is None
