"""Suggestions while typing (/products/suggest) and "did you mean" on the catalogue."""

import re

import pytest

from tests.factories import make_product, make_venture

pytestmark = pytest.mark.usefixtures("uncached")


@pytest.fixture
def goods(session):
    venture = make_venture(session, name="햇살공방")
    hidden = make_venture(session, name="햇살대기", status="pending")
    make_product(session, venture, title="올리브 수제비누")
    make_product(session, venture, title="햇살 머그")
    make_product(session, venture, title="햇살 초안", status="draft")
    make_product(session, hidden, title="햇살 숨은 컵")
    session.commit()


def test_suggest_answers_json_with_names_and_titles(client, goods):
    response = client.get("/products/suggest?q=햇")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == {"q": "햇", "suggestions": ["햇살공방", "햇살 머그"]}
    assert response.cache_control.public and response.cache_control.max_age == 60


@pytest.mark.parametrize(
    "url", ["/products/suggest", "/products/suggest?q=", "/products/suggest?q=+"]
)
def test_suggest_without_text_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400 and "error" in response.get_json()


def test_suggest_refuses_long_text(client):
    assert client.get("/products/suggest?q=" + "가" * 101).status_code == 400
    assert client.get("/products/suggest?q=" + "가" * 100).status_code == 200


def test_suggest_runs_the_same_queries_for_a_small_and_a_large_catalogue(
    client, session, count_queries, goods
):
    def queries():
        with count_queries() as counted:
            assert client.get("/products/suggest?q=햇살").status_code == 200
        return counted.count

    small = queries()
    venture = make_venture(session, name="햇살농장")
    for i in range(40):
        make_product(session, venture, title=f"햇살 잼 {i}")
    session.commit()
    assert queries() == small == 2


def test_a_search_that_finds_nothing_offers_a_corrected_one(client, goods):
    page = client.get("/products?q=수제비니").get_data(as_text=True)
    link = re.search(r'class="did-you-mean">.*?<a href="([^"]+)">([^<]+)</a>', page)
    assert link and link.group(2) == "수제비누"
    assert "수제비누" in client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)


def test_a_search_that_finds_enough_offers_nothing(client, goods):
    assert "did-you-mean" not in client.get("/products?q=햇살").get_data(as_text=True)


def test_the_search_box_points_at_a_list_only_script_fills(client, goods):
    page = client.get("/products").get_data(as_text=True)
    assert 'list="site-q-suggestions"' in page
    assert "<datalist" not in page  # without script the page has no list, and no inline script
    assert re.search(r'<script src="/static/suggest.js[^"]*" defer></script>', page)
