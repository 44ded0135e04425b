"""Search through the index, on SQLite (FTS5) and PostgreSQL (tsvector + GIN) alike."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storefront.services import catalog, listings, pagination, search, ventures
from storefront.services.pagination import PageRequest, encode_cursor
from storefront.services.search import reindex_all
from tests.factories import make_product, make_venture


def found(session, q, **fields):
    page = catalog.search_products(session, catalog.ProductQuery(q=q, **fields), per_page=50)
    return [p.title for p in page.items]


@pytest.fixture
def catalogue(session):
    crafts = make_venture(session, name="햇살공방")
    green = make_venture(session, name="Green Hands")
    products = {
        "note": make_product(session, crafts, title="재생지 노트북 세트", description="줄 노트"),
        "soap": make_product(session, green, title="올리브 수제비누", description="Handmade soap"),
        "bag": make_product(session, green, title="업사이클 가방", description="비누 향 없음"),
        "candle": make_product(session, crafts, title="Soy Candle", description="콩 왁스 캔들"),
    }
    session.commit()
    return {**products, "crafts": crafts, "green": green}


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("노트", {"재생지 노트북 세트"}),
        ("노트에", {"재생지 노트북 세트"}),
        ("비누를", {"올리브 수제비누", "업사이클 가방"}),
        ("수제비누", {"올리브 수제비누"}),
        ("햇살공방", {"재생지 노트북 세트", "Soy Candle"}),
        ("green", {"올리브 수제비누", "업사이클 가방"}),
        ("SOAP", {"올리브 수제비누"}),
        ("soa", {"올리브 수제비누"}),
        ("candle 콩", {"Soy Candle"}),
        ("노트 soap", set()),
        ("없는말", set()),
        ("%", set()),
    ],
)
def test_korean_english_venture_and_mixed_queries(session, catalogue, q, titles):
    assert set(found(session, q)) == titles


def test_a_title_match_ranks_above_a_description_match(session, catalogue):
    assert found(session, "비누") == ["올리브 수제비누", "업사이클 가방"]
    cheap_first = found(session, "비누", sort="price_asc")
    assert set(cheap_first) == {"올리브 수제비누", "업사이클 가방"}


def test_hidden_products_are_never_found(session):
    pending = make_venture(session, name="대기공방", status="pending")
    approved = make_venture(session, name="열린공방")
    make_product(session, pending, title="숨은 도자기 컵")
    make_product(session, approved, title="초안 도자기 접시", status="draft")
    make_product(session, approved, title="보관 도자기 그릇", status="archived")
    make_product(session, approved, title="판매 도자기 화병")
    session.commit()
    assert found(session, "도자기") == ["판매 도자기 화병"]


def test_an_edited_title_is_found_by_its_new_word_and_not_its_old(session, catalogue):
    product = catalogue["bag"]
    data = listings.ListingInput("재활용 지갑", product.description, "fashion", 20000, 1)
    listings.update(session, product, data)
    session.commit()
    assert found(session, "지갑") == ["재활용 지갑"]
    assert found(session, "가방") == []


def test_archiving_hides_and_restoring_shows_again(session, catalogue):
    listings.change_status(session, catalogue["note"], "archive")
    session.commit()
    assert found(session, "노트") == []


def test_a_new_listing_is_found_once_published(session, catalogue):
    venture = catalogue["crafts"]
    data = listings.ListingInput("대나무 칫솔", "", "living", 3000, 5)
    product = listings.create(session, venture, data, catalogue["note"].created_at)
    session.commit()
    assert found(session, "칫솔") == []
    listings.change_status(session, product, "publish")
    session.commit()
    assert found(session, "칫솔") == ["대나무 칫솔"]


def test_approving_a_venture_makes_its_products_findable(session):
    venture = make_venture(session, name="새싹협동조합", status="pending")
    make_product(session, venture, title="새싹 보리차")
    session.commit()
    assert found(session, "보리차") == []
    ventures.review(session, venture, approve=True, note="", now=venture.created_at)
    session.commit()
    assert found(session, "보리차") == ["새싹 보리차"]


def test_a_renamed_venture_is_found_by_its_new_name(session, catalogue):
    venture = catalogue["crafts"]
    venture.name = "달빛작업실"
    session.commit()
    assert set(found(session, "달빛작업실")) == {"재생지 노트북 세트", "Soy Candle"}
    assert found(session, "햇살공방") == []


def test_a_product_moved_to_another_venture_is_found_by_that_name(session, catalogue):
    catalogue["candle"].venture_id = catalogue["soap"].venture_id
    session.commit()
    assert "Soy Candle" in found(session, "green hands")


def test_reindexing_everything_gives_the_same_answers(session, catalogue):
    session.execute(text("DELETE FROM product_search"))
    assert found(session, "노트") == []
    assert reindex_all(session.connection()) == 4
    session.commit()
    assert found(session, "노트") == ["재생지 노트북 세트"]


def test_search_keeps_its_three_queries(session, catalogue, count_queries):
    with count_queries() as q:
        found(session, "비누를")
    assert q.count == 3  # the ventures' names, the page, the bounded count


def test_search_reads_no_venture_names_it_is_given_and_no_page_for_a_miss(
    session, catalogue, count_queries
):
    ventures = catalog.venture_choices(session)
    with count_queries() as q:
        page = catalog.search_products(
            session, catalog.ProductQuery(q="비누를"), per_page=50, ventures=ventures
        )
    assert q.count == 2 and page.items  # the bounded count, the page
    with count_queries() as q:
        page = catalog.search_products(
            session, catalog.ProductQuery(q="없는상품xyz"), per_page=50, ventures=ventures
        )
    assert q.count == 1 and page.items == [] and page.count == 0  # the count says none


@pytest.mark.parametrize(
    ("up_to", "count", "capped"), [(2, 2, True), (3, 3, True), (4, 4, False), (6, 4, False)]
)
def test_the_count_stops_early_on_a_venture_name_and_is_exact_below_the_bound(
    session, monkeypatch, up_to, count, capped
):
    """A venture's products alone may be more than the bound; below it, every match counts
    (its visible products, and the other venture's product whose text has the name)."""
    named = make_venture(session, name="햇빛공방")
    other = make_venture(session, name="바다상점")
    for i in range(3):
        make_product(session, named, title=f"바다 컵 {i}")
    make_product(session, named, title="숨은 컵", status="draft")
    make_product(session, other, title="잔", description="햇빛공방에서 빚은 잔")
    session.commit()
    monkeypatch.setattr(catalog, "COUNT_UP_TO", up_to)
    page = page_of(session, "햇빛공방", per_page=50)
    assert (page.count, page.count_capped) == (count, capped)


def page_of(session, q, start=None, per_page=4):
    query = catalog.ProductQuery(q=q, start=start or PageRequest())
    return catalog.search_products(session, query, per_page=per_page)


@pytest.fixture(params=["sorted whole", "tier by tier"])
def common_word(request, session, monkeypatch):
    """Both ways of reading a page: a small result sorted whole, a large one tier by tier."""
    if request.param == "tier by tier":
        monkeypatch.setattr(pagination, "SORT_UP_TO", 0)
    return make_common_word(session)


def make_common_word(session):
    """A word in many products: 3 titles, 1 venture name, 5 descriptions (equal texts tie)."""
    plain = make_venture(session, name="바다상점")
    named = make_venture(session, name="햇빛공방")
    in_title = [make_product(session, plain, title=f"햇빛 비누 {i}") for i in range(3)]
    in_venture = [make_product(session, named, title="바다 컵")]
    in_text = [
        make_product(session, plain, title=f"컵 {i}", description="햇빛에 말린 컵")
        for i in range(5)
    ]
    hidden = make_product(session, plain, title="햇빛 초안", status="draft")
    session.commit()
    return {"title": in_title, "venture": in_venture, "text": in_text, "hidden": hidden}


def test_a_common_word_ranks_title_then_venture_then_description_newest_first(session, common_word):
    page = page_of(session, "햇빛", per_page=50)
    ids = [p.id for p in page.items]
    newest_first = [p.id for k in ("title", "venture", "text") for p in reversed(common_word[k])]
    assert ids == newest_first
    assert page.count == 9


def test_the_first_page_of_a_common_word_holds_the_title_matches(session, common_word):
    page = page_of(session, "햇빛", per_page=4)
    assert [p.id for p in page.items][:3] == [p.id for p in reversed(common_word["title"])]
    assert len(page.items) == 4 and page.has_next and page.count == 9


def test_paging_in_relevance_order_through_ties_sees_each_match_once(session, common_word):
    everything = [p.id for p in page_of(session, "햇빛", per_page=50).items]
    seen, pages, start = [], [], None
    for _ in range(10):
        page = page_of(session, "햇빛", start, per_page=2)
        pages.append(page)
        seen += [p.id for p in page.items]
        if not page.has_next:
            break
        start = PageRequest(after=page.next_cursor)
    assert seen == everything and len(seen) == 9
    back = page_of(session, "햇빛", PageRequest(before=pages[2].prev_cursor), per_page=2)
    assert [p.id for p in back.items] == [p.id for p in pages[1].items]


def test_an_old_page_number_link_shows_the_same_rows_as_the_cursor(session, common_word):
    first = page_of(session, "햇빛", per_page=4)
    by_cursor = page_of(session, "햇빛", PageRequest(after=first.next_cursor), per_page=4)
    by_number = page_of(session, "햇빛", PageRequest(page=2), per_page=4)
    assert [p.id for p in by_number.items] == [p.id for p in by_cursor.items]
    assert len(by_number.items) == 4


def test_a_hand_edited_cursor_shows_the_first_page(session, common_word):
    first = [p.id for p in page_of(session, "햇빛").items]
    for cursor in (encode_cursor([7, 10**6]), encode_cursor([-1, 5]), "@@"):  # no such tier
        assert [p.id for p in page_of(session, "햇빛", PageRequest(after=cursor)).items] == first
        assert [p.id for p in page_of(session, "햇빛", PageRequest(before=cursor)).items] == first


def test_other_sorts_still_find_every_match(session, common_word):
    page = page_of(session, "햇빛", per_page=50)
    cheap = catalog.search_products(
        session, catalog.ProductQuery(q="햇빛", sort="price_asc"), per_page=50
    )
    assert {p.id for p in cheap.items} == {p.id for p in page.items} and cheap.count == 9


def test_a_misspelt_korean_word_is_offered_the_nearest_indexed_one(session, catalogue):
    assert search.did_you_mean(session, "올리브 수제비니") == "올리브 수제비누"
    assert search.did_you_mean(session, "햇살공밤") == "햇살공방"  # a venture's name
    assert search.did_you_mean(session, "가밤을") == "가방"  # without its particle


def test_a_misspelt_english_word_is_offered_the_nearest_indexed_one(session, catalogue):
    assert search.did_you_mean(session, "Soy Candel") == "soy candle"
    assert search.did_you_mean(session, "candle") == ""  # nothing to correct
    assert search.did_you_mean(session, "zzzzzz") == ""  # nothing near
    assert search.did_you_mean(session, "%") == ""


def test_words_of_edited_titles_join_the_vocabulary(session, catalogue):
    data = listings.ListingInput("대나무 칫솔", "", "living", 3000, 5)
    listings.update(session, catalogue["bag"], data)
    session.commit()
    assert search.did_you_mean(session, "대나모") == "대나무"


def test_did_you_mean_offers_no_word_of_a_draft_or_an_unapproved_venture(session, catalogue):
    pending = make_venture(session, name="비밀상점", status="pending")
    make_product(session, pending, title="숨김 컵")
    make_product(session, catalogue["crafts"], title="초안접시", status="draft")
    session.commit()
    assert search.did_you_mean(session, "비밀상잠") == ""  # the pending venture's name
    assert search.did_you_mean(session, "초안접사") == ""  # the draft's title
    assert search.did_you_mean(session, "숨김 컵") == ""


def test_did_you_mean_runs_one_query(session, catalogue, count_queries):
    with count_queries() as q:
        assert search.did_you_mean(session, "수제비니 candel 가밤") == "수제비누 candle 가방"
    assert q.count == 1


def test_did_you_mean_picks_candidates_by_the_unknown_words_only(session, catalogue):
    """A known word widens neither the letters nor the lengths the candidates are read by."""
    assert search.did_you_mean(session, "햇살공방 수제비니") == "햇살공방 수제비누"
    assert search.did_you_mean(session, "candle 가밤을") == "candle 가방"


def test_suggestions_are_names_then_titles_of_what_a_shopper_may_see(session, catalogue):
    pending = make_venture(session, name="햇살대기", status="pending")
    make_product(session, pending, title="햇살 숨은 컵")
    make_product(session, catalogue["crafts"], title="햇살 초안 접시", status="draft")
    make_product(session, catalogue["crafts"], title="햇살 머그")
    session.commit()
    assert catalog.suggestions(session, "햇") == ["햇살공방", "햇살 머그"]
    assert catalog.suggestions(session, "so") == ["Soy Candle"]
    assert catalog.suggestions(session, "%") == []


def test_suggestions_stop_at_eight(session):
    venture = make_venture(session, name="바다상점")
    for i in range(12):
        make_product(session, venture, title=f"바다 유리 {i}")
    session.commit()
    found = catalog.suggestions(session, "바다")
    assert found[0] == "바다상점" and len(found) == catalog.SUGGESTIONS
    assert found[1] == "바다 유리 11"  # the newest title first


@pytest.mark.postgres
def test_postgres_plans_each_search_with_what_was_searched_for(session, catalogue):
    # A search's SQL is the same text for every term (the term is bound), and psycopg
    # prepares a statement after five runs: PostgreSQL must still plan it for the term
    # (storefront/postgres.py).
    for _ in range(8):
        assert found(session, "비누") == ["올리브 수제비누", "업사이클 가방"]
        assert found(session, "노트") == ["재생지 노트북 세트"]
    assert found(session, "없는상품xyz") == []
    session.rollback()  # the setting is the connection's, not one transaction's
    assert session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"


def test_a_search_within_a_venture_or_a_category_binds_both(session, catalogue):
    # The listing's venture (a bound slug) and the search's own parameters in one statement.
    green, crafts = catalogue["green"].slug, catalogue["crafts"].slug
    assert found(session, "비누", venture=green) == ["올리브 수제비누", "업사이클 가방"]
    assert found(session, "비누", venture=crafts) == []
    assert found(session, "햇살공방", venture=crafts) == ["Soy Candle", "재생지 노트북 세트"]
    assert found(session, "노트", venture=green) == []
    make_product(session, catalogue["green"], title="비누 받침", category="living")
    session.commit()
    assert found(session, "비누", category="living") == ["비누 받침"]
    assert found(session, "비누", category="living", venture=crafts) == []
    assert set(found(session, "비누", category="food")) == {"올리브 수제비누", "업사이클 가방"}


def test_a_venture_s_listing_pages_by_number_and_by_cursor(session, catalogue):
    crafts = catalogue["crafts"]
    for n in range(5):
        make_product(session, crafts, title=f"공방 소품 {n}")
    session.commit()

    def page(start):
        query = catalog.ProductQuery(venture=crafts.slug, sort="price_asc", start=start)
        return catalog.search_products(session, query, per_page=3)

    first, second, third = (page(PageRequest(page=n)) for n in (1, 2, 3))
    everything = [p.title for p in first.items + second.items + third.items]
    titles = {f"공방 소품 {n}" for n in range(5)} | {"재생지 노트북 세트", "Soy Candle"}
    assert len(everything) == 7 and set(everything) == titles
    assert [len(first.items), len(second.items), len(third.items)] == [3, 3, 1]
    assert [p.title for p in page(PageRequest(after=first.next_cursor)).items] == [
        p.title for p in second.items
    ]
    other = catalog.ProductQuery(venture=catalogue["green"].slug)
    assert {p.title for p in catalog.search_products(session, other, 10).items} == {
        "올리브 수제비누",
        "업사이클 가방",
    }
