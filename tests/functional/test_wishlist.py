"""찜: saving products and following ventures, signed in or not, the saved counts on the
cached pages, and the back-in-stock email with its unsubscribe link."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storefront.models import Product, ProductOption, SavedProduct, VentureFollow
from storefront.services import accounts
from storefront.services.wishlist import MAX_SESSION_SAVES
from storefront.web import page_cache
from tests.factories import make_product
from tests.helpers import PASSWORD, english, sign_in, text


def shopper(app, session, email="shopper@example.com", lang="en"):
    """A new client signed in to a new account of ``email``."""
    accounts.sign_up(session, email, "이쇼퍼", PASSWORD)
    session.commit()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    assert sign_in(client, email).status_code == 302
    return client


def saved_count(session, product_id):
    session.expire_all()
    return session.get(Product, product_id).saved_count


def saves_of(session, email):
    user = accounts.find_by_email(session, email)
    return set(
        session.scalars(select(SavedProduct.product_id).where(SavedProduct.user_id == user.id))
    )


def save(client, product_id, **query):
    return client.post(f"/wishlist/products/{product_id}", query_string=query)


# --- saving -------------------------------------------------------------------------------


def test_a_signed_in_shopper_saves_sees_and_removes_a_product(app, session, shop):
    client = shopper(app, session)
    answer = save(client, shop.product.id, next=f"/products/{shop.product.id}")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/products/{shop.product.id}")
    assert saves_of(session, "shopper@example.com") == {shop.product.id}
    assert saved_count(session, shop.product.id) == 1
    page = text(client.get("/wishlist"))
    assert shop.product.title in page and "₩15,000" in page and "Saved to" not in page
    assert client.post(f"/wishlist/products/{shop.product.id}/remove").status_code == 302
    assert saves_of(session, "shopper@example.com") == set()
    assert saved_count(session, shop.product.id) == 0
    assert shop.product.title not in text(client.get("/wishlist"))


def test_saving_a_saved_product_again_says_so_and_counts_once(app, session, shop):
    client = shopper(app, session)
    save(client, shop.product.id)
    again = client.post(f"/wishlist/products/{shop.product.id}", follow_redirects=True)
    assert "is already in your saved list" in text(again)
    assert saved_count(session, shop.product.id) == 1


def test_the_wishlist_page_shows_a_sold_out_product_as_sold_out(app, session, shop):
    client = shopper(app, session)
    save(client, shop.sold_out.id)
    row = re.search(
        rf'data-testid="saved-{shop.sold_out.id}".*?</tr>', text(client.get("/wishlist")), re.S
    )
    assert row and "Sold out" in row.group(0) and "Email me when it is back" in row.group(0)


def test_a_visitor_saves_in_the_session_and_removes_again(client, session, shop):
    english(client)
    save(client, shop.product.id)
    save(client, shop.cheap.id)
    page = text(client.get("/wishlist"))
    assert shop.product.title in page and shop.cheap.title in page
    assert saved_count(session, shop.product.id) == 1
    assert session.scalar(select(SavedProduct.id)) is None  # nothing in the database
    client.post(f"/wishlist/products/{shop.product.id}/remove")
    page = text(client.get("/wishlist"))
    assert shop.product.title not in page and shop.cheap.title in page
    assert saved_count(session, shop.product.id) == 0
    client.post(f"/wishlist/products/{shop.product.id}/remove")  # not saved: no change
    assert saved_count(session, shop.product.id) == 0


def test_a_visitors_saves_join_the_account_on_sign_in(app, client, session, shop):
    shopper(app, session).post(f"/wishlist/products/{shop.product.id}")  # the account saved it
    english(client)
    save(client, shop.product.id)  # and, before signing in, so did this browser
    save(client, shop.cheap.id)
    assert saved_count(session, shop.product.id) == 2
    assert sign_in(client, "shopper@example.com").status_code == 302
    assert saves_of(session, "shopper@example.com") == {shop.product.id, shop.cheap.id}
    assert saved_count(session, shop.product.id) == 1  # one account, counted once
    assert saved_count(session, shop.cheap.id) == 1
    with client.session_transaction() as cookie:
        assert "saved" not in cookie


def test_the_session_list_is_bounded(client, session, shop):
    english(client)
    with client.session_transaction() as cookie:
        cookie["saved"] = list(range(10_000, 10_000 + MAX_SESSION_SAVES))
    answer = save(client, shop.product.id)
    assert answer.status_code == 409
    assert f"holds {MAX_SESSION_SAVES} products" in text(answer)
    assert saved_count(session, shop.product.id) == 0


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_saving_a_product_not_for_sale_is_not_found(app, client, session, shop, status):
    hidden = make_product(session, shop.venture, status=status)
    session.commit()
    assert save(client, hidden.id).status_code == 404
    assert save(shopper(app, session), hidden.id).status_code == 404
    assert saved_count(session, hidden.id) == 0


def test_saving_a_product_of_an_unapproved_venture_or_a_bad_id_is_not_found(client, session, shop):
    shop.other_venture.status = "pending"
    session.commit()
    assert save(client, shop.last_one.id).status_code == 404
    assert save(client, 999_999).status_code == 404
    assert client.post("/wishlist/products/abc").status_code == 404
    assert client.post("/wishlist/products/0").status_code == 404
    assert client.get(f"/wishlist/products/{shop.product.id}").status_code == 405


def test_next_must_be_a_path_on_this_site(client, shop):
    answer = save(client, shop.product.id, next="https://evil.example/")
    assert answer.headers["Location"].endswith("/wishlist")
    answer = save(client, shop.cheap.id, next="//evil.example/")
    assert answer.headers["Location"].endswith("/wishlist")


def test_a_form_without_its_csrf_token_changes_nothing(app, client, session, shop):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/wishlist/products/{shop.product.id}").status_code == 400
    assert client.post(f"/wishlist/products/{shop.product.id}/remove").status_code == 400
    assert client.post(f"/wishlist/ventures/{shop.venture.id}").status_code == 400
    assert saved_count(session, shop.product.id) == 0


def test_another_shopper_cannot_remove_or_see_my_saves(app, session, shop):
    mine = shopper(app, session, "me@example.com")
    save(mine, shop.product.id)
    mine.post(f"/wishlist/ventures/{shop.venture.id}")
    theirs = shopper(app, session, "them@example.com")
    page = text(theirs.get("/wishlist"))
    assert shop.product.title not in page and 'data-testid="follow-' not in page
    theirs.post(f"/wishlist/products/{shop.product.id}/remove")
    theirs.post(f"/wishlist/ventures/{shop.venture.id}/remove")
    theirs.post(f"/wishlist/products/{shop.product.id}/alert", data={"want": "on"})
    assert saves_of(session, "me@example.com") == {shop.product.id}
    assert session.scalar(select(SavedProduct.alert)) is False
    assert session.scalar(select(VentureFollow.venture_id)) == shop.venture.id
    assert saved_count(session, shop.product.id) == 1


# --- follows ------------------------------------------------------------------------------


def test_a_shopper_follows_and_unfollows_a_venture(app, session, shop):
    client = shopper(app, session)
    answer = client.post(
        f"/wishlist/ventures/{shop.venture.id}",
        query_string={"next": f"/ventures/{shop.venture.slug}"},
    )
    assert answer.headers["Location"].endswith(f"/ventures/{shop.venture.slug}")
    again = client.post(f"/wishlist/ventures/{shop.venture.id}", follow_redirects=True)
    assert "You already follow" in text(again)
    page = text(client.get("/wishlist"))
    assert f'data-testid="follow-{shop.venture.id}"' in page and shop.venture.name in page
    client.post(f"/wishlist/ventures/{shop.venture.id}/remove")
    assert f'data-testid="follow-{shop.venture.id}"' not in text(client.get("/wishlist"))
    assert session.scalar(select(VentureFollow.id)) is None


def test_a_visitor_is_asked_to_sign_in_to_follow(client, session, shop):
    answer = client.post(f"/wishlist/ventures/{shop.venture.id}")
    assert answer.status_code == 302 and "/account/sign-in" in answer.headers["Location"]
    assert session.scalar(select(VentureFollow.id)) is None


def test_following_an_unapproved_venture_is_not_found(app, session, shop):
    shop.other_venture.status = "pending"
    session.commit()
    client = shopper(app, session)
    assert client.post(f"/wishlist/ventures/{shop.other_venture.id}").status_code == 404
    assert client.post("/wishlist/ventures/999999").status_code == 404
    assert session.scalar(select(VentureFollow.id)) is None


def test_the_venture_page_links_everyone_to_follow_it(app, session, client, shop):
    page = text(client.get(f"/ventures/{shop.venture.slug}"))
    link = f"/wishlist/ventures/{shop.venture.id}"
    assert f'href="{link}"' in page and "csrf_token" not in page
    asked = client.get(link)
    assert asked.status_code == 302 and "/account/sign-in" in asked.headers["Location"]
    member = shopper(app, session)
    form = text(member.get(link))
    assert f'action="{link}?next=' in form
    member.post(link)
    assert 'data-testid="already-following"' in text(member.get(link))
    assert member.get("/wishlist/ventures/999999").status_code == 404


# --- counts on the cached pages -----------------------------------------------------------


def test_a_save_shows_the_new_count_at_once_on_the_cached_pages(app, client, session, shop):
    english(client)
    product_page, listing = f"/products/{shop.product.id}", "/products"
    assert 'data-testid="saved-count"' not in text(client.get(product_page))
    assert 'data-testid="card-saved-count"' not in text(client.get(listing))
    save(shopper(app, session), shop.product.id)
    assert "Saved by 1" in text(client.get(product_page))
    assert 'data-testid="card-saved-count">♥ 1<' in text(client.get(listing))
    save(client, shop.product.id)  # a visitor's save counts too
    assert "Saved by 2" in text(client.get(product_page))


def test_a_deleted_account_takes_its_saves_off_the_cached_counts_at_once(
    app, client, session, shop
):
    english(client)
    product_page = f"/products/{shop.product.id}"
    saver = shopper(app, session)
    save(saver, shop.product.id)
    assert "Saved by 1" in text(client.get(product_page))
    deleted = saver.post("/my/delete", data={"password": PASSWORD, "confirm": "y"})
    assert deleted.status_code == 302
    assert 'data-testid="saved-count"' not in text(client.get(product_page))
    assert session.scalars(select(SavedProduct)).all() == []


def test_a_save_renews_the_catalogue_but_not_the_ledger(app, client, session, shop):
    with app.test_request_context():
        before = page_cache.generations(("catalog", "ledger")).split(".")
    save(client, shop.product.id)
    with app.test_request_context():
        after = page_cache.generations(("catalog", "ledger")).split(".")
    assert after[0] != before[0] and after[1] == before[1]


def test_the_cached_product_page_is_the_same_for_a_shopper_who_saved_it(app, client, session, shop):
    english(client)
    saver = shopper(app, session)
    save(saver, shop.product.id)
    wish = re.compile(r'<div class="wish">.*?</div>', re.S)
    mine = wish.search(text(saver.get(f"/products/{shop.product.id}"))).group(0)
    theirs = wish.search(text(client.get(f"/products/{shop.product.id}"))).group(0)
    strip = re.compile(r'value="[^"]*"')  # per session
    assert strip.sub("", mine) == strip.sub("", theirs)
    assert "♥ Save" in mine


# --- back in stock ------------------------------------------------------------------------


def ask_for_alert(client, product_id, want="on"):
    return client.post(f"/wishlist/products/{product_id}/alert", data={"want": want})


def set_stock(client, shop, product_id, stock):
    url = f"/seller/ventures/{shop.venture.id}/products/{product_id}/stock"
    assert client.post(url, data={"stock": stock}).status_code == 302


def back_in_stock_mails(outbox):
    return [m for m in outbox if "back in stock" in m.subject or "재입고" in m.subject]


def test_a_restock_emails_each_shopper_who_asked_exactly_once(
    app, client, session, shop, owner, outbox
):
    sold_out = make_product(session, shop.venture, stock=0, title="유자청")
    session.commit()
    asked = shopper(app, session, "asked@example.com")
    save(asked, sold_out.id)
    assert ask_for_alert(asked, sold_out.id).status_code == 302
    save(shopper(app, session, "quiet@example.com"), sold_out.id)  # saved, did not ask
    set_stock(client, shop, sold_out.id, 5)
    mails = back_in_stock_mails(outbox)
    assert [m.to for m in mails] == [["asked@example.com"]]
    body = mails[0].body
    assert f"http://shop.test/products/{sold_out.id}" in body
    assert re.search(r"http://shop\.test/wishlist/unsubscribe/\S+", body)
    set_stock(client, shop, sold_out.id, 0)  # sells out and comes back: no second email
    set_stock(client, shop, sold_out.id, 3)
    set_stock(client, shop, sold_out.id, 4)
    assert len(back_in_stock_mails(outbox)) == 1
    assert "We emailed you on" not in text(asked.get("/wishlist"))  # it is in stock now
    set_stock(client, shop, sold_out.id, 0)
    assert "We emailed you on" in text(asked.get("/wishlist"))
    ask_for_alert(asked, sold_out.id)  # asking again re-arms it
    set_stock(client, shop, sold_out.id, 2)
    assert len(back_in_stock_mails(outbox)) == 2


def test_an_option_back_in_stock_emails_in_the_shoppers_language(
    app, client, session, shop, owner, outbox
):
    product = make_product(session, shop.venture, stock=3, title="머플러")
    session.add_all(
        [
            ProductOption(product_id=product.id, name="빨강", stock=0, position=0),
            ProductOption(product_id=product.id, name="파랑", stock=3, position=1),
        ]
    )
    session.commit()
    red = session.scalar(select(ProductOption).where(ProductOption.name == "빨강"))
    korean = shopper(app, session, "ko@example.com", lang="ko")
    save(korean, product.id)
    ask_for_alert(korean, product.id)
    url = f"/seller/ventures/{shop.venture.id}/products/{product.id}/options/{red.id}/stock"
    assert client.post(url, data={"stock": 2}).status_code == 302
    mails = back_in_stock_mails(outbox)
    assert [m.to for m in mails] == [["ko@example.com"]]
    assert "재입고" in mails[0].subject and "머플러" in mails[0].subject


def test_asking_for_the_email_needs_a_saved_product_and_a_valid_form(app, client, session, shop):
    anonymous = ask_for_alert(client, shop.sold_out.id)
    assert anonymous.status_code == 302 and "/account/sign-in" in anonymous.headers["Location"]
    signed_in = shopper(app, session)
    assert ask_for_alert(signed_in, shop.sold_out.id).status_code == 404  # not saved
    save(signed_in, shop.sold_out.id)
    assert ask_for_alert(signed_in, shop.sold_out.id, want="maybe").status_code == 400
    assert ask_for_alert(signed_in, shop.sold_out.id, want="on").status_code == 302
    assert session.scalar(select(SavedProduct.alert)) is True
    assert ask_for_alert(signed_in, shop.sold_out.id, want="off").status_code == 302
    session.expire_all()
    assert session.scalar(select(SavedProduct.alert)) is False


def test_the_unsubscribe_link_asks_on_get_and_stops_the_emails_on_post(
    app, client, session, shop, owner, outbox
):
    sold_out = make_product(session, shop.venture, stock=0)
    session.commit()
    asked = shopper(app, session, "asked@example.com")
    for product in (sold_out, shop.product):
        save(asked, product.id)
        ask_for_alert(asked, product.id)
    set_stock(client, shop, sold_out.id, 1)
    link = re.search(r"http://shop\.test(/wishlist/unsubscribe/\S+)", outbox[-1].body).group(1)
    visitor = app.test_client()
    english(visitor)
    page = visitor.get(link)
    assert page.status_code == 200 and "Stop the emails" in text(page)
    session.expire_all()
    assert session.scalar(
        select(SavedProduct.alert).where(SavedProduct.product_id == shop.product.id)
    )
    done = visitor.post(link)
    assert done.status_code == 200 and 'data-testid="unsubscribed"' in text(done)
    session.expire_all()
    assert not any(session.scalars(select(SavedProduct.alert)))
    assert saves_of(session, "asked@example.com") == {sold_out.id, shop.product.id}


def test_a_forged_unsubscribe_link_is_not_found(client):
    assert client.get("/wishlist/unsubscribe/1.forged").status_code == 404
    assert client.post("/wishlist/unsubscribe/nonsense").status_code == 404


def test_a_new_option_with_stock_brings_a_sold_out_product_back(
    app, client, session, shop, owner, outbox
):
    sold_out = make_product(session, shop.venture, stock=0, title="장갑")
    session.commit()
    asked = shopper(app, session, "asked@example.com")
    save(asked, sold_out.id)
    ask_for_alert(asked, sold_out.id)
    url = f"/seller/ventures/{shop.venture.id}/products/{sold_out.id}/options"
    assert client.post(url, data={"name": "S", "stock": 0}).status_code == 302
    assert back_in_stock_mails(outbox) == []
    assert client.post(url, data={"name": "M", "stock": 2}).status_code == 302
    assert [m.to for m in back_in_stock_mails(outbox)] == [["asked@example.com"]]


def test_saving_is_rate_limited_so_no_one_can_keep_the_catalogue_uncached(make_app, session, shop):
    app = make_app(SAVE_RATE_LIMIT="3 per minute")
    client = app.test_client()
    path = f"/wishlist/products/{shop.product.id}"
    statuses = [client.post(f"{path}{'/remove' if i % 2 else ''}").status_code for i in range(4)]
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429
