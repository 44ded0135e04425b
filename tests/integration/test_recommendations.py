"""Recommendations: the model built from paid orders, what pages may show of it, and its
refresh by the job queue and the CLI."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from storefront.models import Job, Order, Product, Recommendation, Venture, utcnow
from storefront.services import accounts, recommend
from tests.factories import Line, make_paid_order, make_product, refund_line
from tests.helpers import PASSWORD


def bought(session, shop, email, *products):
    """A paid order of ``products`` (each from its own venture) by ``email``."""
    venture = session.get(Venture, products[0].venture_id)
    return make_paid_order(session, venture, [Line(p) for p in products], email=email)


def ids(products):
    return [p.id for p in products]


def test_bought_together_lists_what_the_same_shoppers_bought_best_first(session, shop):
    jam = make_product(session, shop.venture, title="딸기잼")
    bought(session, shop, "a@example.com", shop.product, shop.cheap)
    bought(session, shop, "b@example.com", shop.product, shop.cheap)
    bought(session, shop, "c@example.com", shop.product, jam)
    bought(session, shop, "c@example.com", shop.last_one)  # another order, same shopper
    recommend.refresh(session, utcnow())
    session.commit()
    matches = recommend.for_product(session, shop.product, shop.venture)
    # cheap: 2 of the product's 3 shoppers; jam and last_one: only c's, so never shown
    assert ids(matches.together) == [shop.cheap.id]
    assert matches.popular == []
    bought(session, shop, "d@example.com", shop.product, jam)  # a second shopper: a pair
    recommend.refresh(session, utcnow())
    session.commit()
    together = ids(recommend.for_product(session, shop.product, shop.venture).together)
    assert together[0] == shop.cheap.id and set(together) == {shop.cheap.id, jam.id}


def test_a_pair_only_one_shopper_bought_is_never_stored(session, shop):
    bought(session, shop, "a@example.com", shop.product, shop.cheap, shop.last_one)
    bought(session, shop, "b@example.com", shop.product, shop.cheap)
    recommend.refresh(session, utcnow())
    session.commit()
    together = select(Recommendation.product_id, Recommendation.other_product_id).where(
        Recommendation.kind == "together"
    )
    assert set(session.execute(together)) == {
        (shop.product.id, shop.cheap.id),
        (shop.cheap.id, shop.product.id),
    }


def test_refunded_orders_and_cancelled_lines_are_not_purchases(session, shop):
    order = bought(session, shop, "a@example.com", shop.product, shop.cheap)
    refund_line(session, order, order.lines[1], utcnow())
    refunded = bought(session, shop, "b@example.com", shop.product, shop.last_one)
    refunded.status = "refunded"
    session.flush()
    assert recommend.baskets(session) == {"a@example.com": {shop.product.id}}


def test_the_model_leaves_out_what_cannot_be_bought_when_it_is_built(session, shop):
    draft = make_product(session, shop.venture, status="draft")
    bought(session, shop, "a@example.com", shop.product, shop.cheap, draft)
    bought(session, shop, "b@example.com", shop.last_one, shop.sold_out)
    recommend.refresh(session, utcnow())
    stored = set(session.scalars(select(Recommendation.other_product_id)))
    stored |= set(session.scalars(select(Recommendation.product_id)))
    assert draft.id not in stored and shop.sold_out.id not in stored
    assert shop.cheap.id in stored


def test_what_sold_out_or_was_withdrawn_since_the_refresh_is_never_shown(session, shop):
    hidden = make_product(session, shop.venture, title="숨김")
    for email in ("a@example.com", "b@example.com"):
        bought(session, shop, email, shop.product, shop.cheap, shop.last_one, hidden)
    recommend.refresh(session, utcnow())
    # the stored model even lists a sold-out product, as a hand-edited or stale table might
    session.add(
        Recommendation(
            product_id=shop.product.id, kind="together", rank=9,
            other_product_id=shop.sold_out.id, score=1.0, built_at=utcnow(),
        )
    )  # fmt: skip
    session.commit()
    assert shop.cheap.id in ids(recommend.for_product(session, shop.product, shop.venture).together)
    shop.cheap.stock = 0  # sold out
    hidden.status = "archived"
    shop.other_venture.status = "pending"  # last_one's venture is no longer approved
    session.commit()
    matches = recommend.for_product(session, shop.product, shop.venture)
    shown = ids(matches.together + matches.venture + matches.cause + matches.popular)
    for gone in (shop.cheap, hidden, shop.last_one, shop.sold_out):
        assert gone.id not in shown
    for_you = ids(recommend.for_shopper(session, 0))
    assert not {shop.cheap.id, hidden.id, shop.last_one.id, shop.sold_out.id} & set(for_you)


def test_without_a_model_the_product_page_falls_back_to_popular_products(session, shop):
    near = [make_product(session, shop.venture, units_sold=n) for n in (5, 9, 1)]
    other = make_product(session, shop.other_venture, category="food", units_sold=7)
    session.commit()
    assert session.scalar(select(func.count()).select_from(Recommendation)) == 0
    matches = recommend.for_product(session, shop.product, shop.venture)
    assert matches.together == []
    # the venture's best sellers, then what is left of its category's (none shown twice)
    assert ids(matches.venture) == [near[1].id, near[0].id, near[2].id, shop.cheap.id]
    assert ids(matches.popular) == [other.id]
    assert matches.cause == []  # the other venture gives to another cause


def test_more_for_this_cause_comes_from_other_ventures_giving_to_it(session, shop):
    sibling = Venture(
        slug="sibling", name="같은대의", mission="environment", default_cause_id=shop.cause.id,
        status="approved",
    )  # fmt: skip
    session.add(sibling)
    session.flush()
    theirs = make_product(session, sibling, title="같은 재단 상품")
    bought(session, shop, "a@example.com", shop.product)
    recommend.refresh(session, utcnow())
    session.commit()
    matches = recommend.for_product(session, shop.product, shop.venture)
    assert ids(matches.cause) == [theirs.id]
    assert ids(matches.venture) == [shop.cheap.id]


def test_for_a_shopper_the_neighbours_of_what_they_bought_then_popular(session, shop):
    jam = make_product(session, shop.venture, title="딸기잼", units_sold=50)
    for n in (1, 2):  # each pair bought by two shoppers
        bought(session, shop, f"a{n}@example.com", shop.product, shop.cheap)
        bought(session, shop, f"b{n}@example.com", shop.product, shop.last_one)
    me = accounts.sign_up(session, "me@example.com", "나", PASSWORD)
    bought(session, shop, "Me@Example.com", shop.product).user_id = me.id
    bought(session, shop, "me@example.com", shop.last_one)  # a guest order, not claimed
    recommend.refresh(session, utcnow())
    session.commit()
    mine = ids(recommend.for_shopper(session, me.id, limit=3))
    assert shop.product.id not in mine  # what they bought
    assert set(mine[:2]) == {shop.cheap.id, shop.last_one.id}
    assert mine[2] == jam.id  # then the best seller
    # nothing bought: the best sellers
    assert recommend.for_shopper(session, me.id + 1, limit=1)[0].id == jam.id


def test_saved_products_are_seeds_and_are_not_recommended_back(session, shop):
    bought(session, shop, "a@example.com", shop.product, shop.cheap)
    bought(session, shop, "b@example.com", shop.product, shop.cheap)
    recommend.refresh(session, utcnow())
    session.commit()
    saved = select(Product.id).where(Product.id == shop.product.id)
    mine = ids(recommend.for_shopper(session, 0, saved=saved, limit=1))
    assert mine == [shop.cheap.id]


def test_a_refresh_replaces_the_model(session, shop):
    bought(session, shop, "a@example.com", shop.product, shop.cheap)
    recommend.refresh(session, utcnow())
    shop.cheap.status = "archived"
    recommend.refresh(session, utcnow())
    session.commit()
    assert shop.cheap.id not in set(session.scalars(select(Recommendation.other_product_id)))
    assert recommend.for_product(session, shop.product, shop.venture).together == []


def test_the_scheduler_queues_a_refresh_once_enough_orders_are_paid(app, session, shop):
    app.config["RECOMMEND_REFRESH_ORDERS"] = 2
    queue = app.extensions["jobs"]
    assert queue.ask_for_recommendations() is False  # no order yet
    bought(session, shop, "a@example.com", shop.product, shop.cheap)
    session.commit()
    assert queue.ask_for_recommendations() is True  # no model yet: the first one is due
    # the job ran at the commit (JOBS_EAGER), and wrote the model
    job = session.scalars(select(Job).where(Job.kind == recommend.JOB)).one()
    assert job.status == "done"
    assert session.scalar(select(func.count()).select_from(Recommendation)) > 0
    later = utcnow() + timedelta(seconds=1)
    make_paid_order(session, shop.venture, [Line(shop.cheap)], email="b@example.com", when=later)
    session.commit()
    assert queue.ask_for_recommendations() is False  # one order since: not yet
    make_paid_order(session, shop.venture, [Line(shop.cheap)], email="c@example.com", when=later)
    session.commit()
    assert queue.ask_for_recommendations() is True


def test_an_old_model_is_refreshed_after_any_new_order(session, shop):
    bought(session, shop, "a@example.com", shop.product, shop.cheap)
    built = utcnow() - timedelta(hours=2)
    recommend.refresh(session, built)
    session.execute(update(Order).values(paid_at=built - timedelta(minutes=1)))
    assert not recommend.due(session, utcnow(), 20, timedelta(hours=1))
    bought(session, shop, "b@example.com", shop.cheap)
    assert recommend.due(session, utcnow(), 20, timedelta(hours=1))
    assert not recommend.due(session, utcnow(), 20, timedelta(hours=3))


def test_a_refresh_is_not_queued_twice(app, session, shop):
    app.config["JOBS_EAGER"] = True
    assert recommend.ask_refresh(session) is True
    assert recommend.ask_refresh(session) is False  # already added in this transaction
    session.rollback()


def test_the_cli_refreshes_the_model(app, session, shop):
    bought(session, shop, "a@example.com", shop.product, shop.cheap)
    bought(session, shop, "b@example.com", shop.product, shop.cheap)
    session.commit()
    result = app.test_cli_runner().invoke(args=["recommend", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Recommendations refreshed" in result.output
    session.expire_all()
    assert shop.cheap.id in ids(recommend.for_product(session, shop.product, shop.venture).together)
