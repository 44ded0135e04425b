"""Product questions (상품문의): signed-in users ask, the venture answers once and may edit,
operators hide abuse; private texts reach only the asker, the venture and the operators, and
the product page (cached for everyone) shows only what anyone may see."""

import re

import pytest
from sqlalchemy import select

from storefront.models import Membership, Question, User
from storefront.services import accounts
from tests.helpers import PASSWORD, english, sign_in, text

SECRET = "제 주소는 비밀인데 배송되나요?"
PUBLIC = "유통기한이 얼마나 되나요?"
HASH = accounts.hash_password(PASSWORD)


EMAILS = {
    "asker": "asker@example.com",
    "other": "other@example.com",
    "owner": "owner@example.com",
    "rival": "rival@example.com",
    "operator": "ops@example.com",
}


class People:
    """Clients signed in as the asker, another shopper, the venture's owner, the other
    venture's owner and an operator, and one anonymous visitor (all in English), each signed
    in when a test first uses it (signing in hashes a password: slow on purpose)."""

    def __init__(self, app):
        self.app = app
        self.clients = {}

    def __getitem__(self, who):
        if who not in self.clients:
            client = english(self.app.test_client())
            if who != "anonymous":
                assert sign_in(client, email=EMAILS[who]).status_code == 302
            self.clients[who] = client
        return self.clients[who]

    def items(self):
        return [(who, self[who]) for who in ("anonymous", *EMAILS)]


@pytest.fixture
def people(app, session, shop):
    """Accounts for ``People`` (one password hash for all), the owners' memberships."""
    users = {who: User(email=email, name=who, password_hash=HASH) for who, email in EMAILS.items()}
    users["operator"].is_operator = True
    session.add_all(users.values())
    session.flush()
    session.add(Membership(user_id=users["owner"].id, venture_id=shop.venture.id, role="owner"))
    session.add(
        Membership(user_id=users["rival"].id, venture_id=shop.other_venture.id, role="owner")
    )
    session.commit()
    return People(app)


def ask(client, product_id, body=PUBLIC, private=False):
    data = {"body": body, **({"private": "y"} if private else {})}
    return client.post(f"/products/{product_id}/questions", data=data)


def the_question(session):
    session.expire_all()
    return session.scalars(select(Question)).one()


def answer(client, shop, question_id, body="3개월입니다.", venture_id=None):
    venture_id = venture_id or shop.venture.id
    url = f"/seller/ventures/{venture_id}/questions/{question_id}/answer"
    return client.post(url, data={"answer": body})


def test_anonymous_visitors_cannot_ask_and_get_a_link_to_sign_in(client, session, shop):
    english(client)
    list_url = f"/products/{shop.product.id}/questions"
    refused = ask(client, shop.product.id)
    assert refused.status_code == 302
    assert "/account/sign-in" in refused.headers["Location"]
    assert "next=%2Fproducts%2F" in refused.headers["Location"]
    assert session.scalars(select(Question)).first() is None
    page = text(client.get(list_url))
    back = f'href="/account/sign-in?next={list_url}" data-testid="sign-in-to-ask"'
    assert back in page
    assert "Post the question" not in page
    assert f'href="{list_url}#ask"' in text(client.get(f"/products/{shop.product.id}"))


def test_a_question_shows_on_the_cached_product_page_at_once(session, shop, people):
    page = f"/products/{shop.product.id}"
    visitor = people["anonymous"]
    assert PUBLIC not in text(visitor.get(page))  # the page is cached now, with no questions
    posted = ask(people["asker"], shop.product.id)
    assert posted.status_code == 302
    question = the_question(session)
    assert posted.headers["Location"].endswith(
        f"/products/{shop.product.id}/questions#q-{question.id}"
    )
    shown = text(visitor.get(page))
    assert PUBLIC in shown and "Waiting for an answer" in shown
    assert re.search(r'data-testid="question-count">1<', shown)
    assert (question.venture_id, question.private, question.locale) == (
        shop.venture.id,
        False,
        "en",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [("   ", "Write something first."), ("가" * 1001, "Write at most 1000 characters.")],
)
def test_an_empty_or_too_long_question_is_refused_with_a_message(
    session, shop, people, body, message
):
    refused = ask(people["asker"], shop.product.id, body=body)
    assert refused.status_code == 400 and message in text(refused)
    assert session.scalars(select(Question)).first() is None
    assert ask(people["asker"], shop.product.id, body="가" * 1000).status_code == 302


def test_no_one_asks_about_a_product_that_is_not_for_sale(session, shop, people):
    assert ask(people["asker"], 999_999).status_code == 404
    assert people["asker"].get("/products/999999/questions").status_code == 404


def test_a_private_question_and_its_answer_are_read_only_by_the_asker_venture_and_operators(
    session, shop, people
):
    product_page = f"/products/{shop.product.id}"
    list_page = f"{product_page}/questions"
    # the asker fills the product page's cache first: their own text must not go in it
    assert ask(people["asker"], shop.product.id, body=SECRET, private=True).status_code == 302
    people["asker"].get(product_page)
    question = the_question(session)
    assert (
        answer(people["owner"], shop, question.id, body="네, 비밀로 배송합니다.").status_code == 302
    )
    for who, client in people.items():
        shown = text(client.get(product_page))
        assert SECRET not in shown and "비밀로 배송" not in shown, who
        assert "This question is private." in shown and "Answered" in shown, who
        listed = text(client.get(list_page))
        readers = {"asker", "owner", "operator"}
        assert (SECRET in listed) == (who in readers), who
        assert ("비밀로 배송" in listed) == (who in readers), who
        assert ("This question is private." in listed) == (who not in readers), who


def test_the_venture_staff_read_private_questions_on_the_seller_page(session, shop, people):
    ask(people["asker"], shop.product.id, body=SECRET, private=True)
    mine = text(people["owner"].get(f"/seller/ventures/{shop.venture.id}/questions"))
    assert SECRET in mine and shop.product.title in mine
    theirs = people["rival"].get(f"/seller/ventures/{shop.venture.id}/questions")
    assert theirs.status_code == 404
    own = text(people["rival"].get(f"/seller/ventures/{shop.other_venture.id}/questions"))
    assert SECRET not in own


def test_the_asker_gets_one_email_with_the_link_when_the_venture_answers(
    session, shop, people, outbox
):
    ask(people["asker"], shop.product.id, body=SECRET, private=True)  # asked in English
    question = the_question(session)
    assert outbox == []
    assert answer(people["owner"], shop, question.id).status_code == 302
    [email] = outbox
    assert email.to == ["asker@example.com"]
    assert email.subject == f"Your question about {shop.product.title} was answered"
    link = f"http://shop.test/products/{shop.product.id}/questions#q-{question.id}"
    assert link in email.body and "3개월입니다." in email.body and SECRET in email.body
    assert f'href="{link}"' in email.alternatives[0][0]
    edited = answer(people["owner"], shop, question.id, body="6개월입니다.")
    assert edited.status_code == 302
    assert len(outbox) == 1  # an edit sends nothing
    question = the_question(session)
    assert (question.answer, question.answered) == ("6개월입니다.", True)
    assert question.answer_edited_at is not None


def test_a_deleted_askers_question_stays_and_its_answer_emails_no_one(
    session, shop, people, outbox
):
    ask(people["asker"], shop.product.id)
    deleted = people["asker"].post("/my/delete", data={"password": PASSWORD, "confirm": "y"})
    assert deleted.status_code == 302
    question = the_question(session)
    assert answer(people["owner"], shop, question.id).status_code == 302
    assert outbox == []
    assert the_question(session).answered
    page = text(people["anonymous"].get(f"/products/{shop.product.id}"))
    assert PUBLIC in page and "3개월입니다." in page


def test_the_answer_email_speaks_the_language_the_question_was_asked_in(
    session, shop, people, outbox
):
    people["asker"].environ_base["HTTP_ACCEPT_LANGUAGE"] = "ko"
    ask(people["asker"], shop.product.id)
    answer(people["owner"], shop, the_question(session).id)
    [email] = outbox
    assert email.subject == f"{shop.product.title} 문의에 답변이 달렸습니다"


def test_an_edited_answer_shows_on_the_cached_product_page_at_once(session, shop, people):
    page = f"/products/{shop.product.id}"
    ask(people["asker"], shop.product.id)
    question = the_question(session)
    answer(people["owner"], shop, question.id, body="3개월입니다.")
    assert "3개월입니다." in text(people["anonymous"].get(page))
    answer(people["owner"], shop, question.id, body="6개월입니다.")
    shown = text(people["anonymous"].get(page))
    assert "6개월입니다." in shown and "3개월입니다." not in shown


def test_another_venture_cannot_answer(session, shop, people, outbox):
    ask(people["asker"], shop.product.id)
    question = the_question(session)
    rival = people["rival"]
    assert answer(rival, shop, question.id, venture_id=shop.venture.id).status_code == 404
    # through its own venture's address, the question is not found either
    assert answer(rival, shop, question.id, venture_id=shop.other_venture.id).status_code == 404
    assert answer(people["other"], shop, question.id).status_code == 404
    assert the_question(session).answered is False and outbox == []


@pytest.mark.parametrize(
    ("body", "message"),
    [("  ", "Write something first."), ("가" * 2001, "Write at most 2000 characters.")],
)
def test_an_empty_or_too_long_answer_is_refused_with_a_message(
    session, shop, people, outbox, body, message
):
    ask(people["asker"], shop.product.id)
    question = the_question(session)
    refused = answer(people["owner"], shop, question.id, body=body)
    assert refused.status_code == 400 and message in text(refused)
    assert the_question(session).answered is False and outbox == []


def test_the_seller_page_lists_unanswered_questions_first(session, shop, people):
    for body in ("첫 문의", "둘째 문의", "셋째 문의"):
        ask(people["asker"], shop.product.id, body=body)
    first = session.scalars(select(Question).where(Question.body == "첫 문의")).one()
    second = session.scalars(select(Question).where(Question.body == "둘째 문의")).one()
    answer(people["owner"], shop, second.id)
    page = text(people["owner"].get(f"/seller/ventures/{shop.venture.id}/questions"))
    order = [page.index(body) for body in ("셋째 문의", "첫 문의", "둘째 문의")]
    assert order == sorted(order)  # unanswered newest first, then the answered one
    assert not first.answered


def hide(client, question_id, part, hidden=True):
    data = {"part": part, "hidden": "1" if hidden else "0"}
    return client.post(f"/operator/questions/{question_id}/hide", data=data)


def test_an_operator_hides_a_question_from_everyone_but_operators_and_shows_it_again(
    session, shop, people
):
    ask(people["asker"], shop.product.id)
    question = the_question(session)
    product_page, list_page = (
        f"/products/{shop.product.id}",
        f"/products/{shop.product.id}/questions",
    )
    seller_page = f"/seller/ventures/{shop.venture.id}/questions"
    assert PUBLIC in text(people["anonymous"].get(product_page))  # cached with the question
    assert hide(people["operator"], question.id, "question").status_code == 302
    pages = [
        ("anonymous", product_page),
        ("anonymous", list_page),
        ("asker", list_page),
        ("asker", "/questions/mine"),
        ("owner", seller_page),
    ]
    for who, url in pages:
        assert PUBLIC not in text(people[who].get(url)), (who, url)
    assert re.search(
        r'data-testid="question-count">0<', text(people["anonymous"].get(product_page))
    )
    assert answer(people["owner"], shop, question.id).status_code == 404
    operator_page = text(people["operator"].get("/operator/questions"))
    assert PUBLIC in operator_page and "Hidden" in operator_page
    assert hide(people["operator"], question.id, "question", hidden=False).status_code == 302
    for who, url in pages:
        assert PUBLIC in text(people[who].get(url)), (who, url)


def test_an_operator_hides_an_answer(session, shop, people, outbox):
    ask(people["asker"], shop.product.id)
    question = the_question(session)
    answer(people["owner"], shop, question.id, body="욕설이 담긴 답변")
    page = f"/products/{shop.product.id}"
    assert "욕설이 담긴 답변" in text(people["anonymous"].get(page))
    assert hide(people["operator"], question.id, "answer").status_code == 302
    shown = text(people["anonymous"].get(page))
    assert "욕설이 담긴 답변" not in shown and PUBLIC in shown and "Waiting for an answer" in shown
    assert "욕설이 담긴 답변" not in text(
        people["owner"].get(f"/seller/ventures/{shop.venture.id}/questions")
    )
    refused = answer(people["owner"], shop, question.id, body="다시 씁니다")
    assert refused.status_code == 409 and "An operator hid this answer" in text(refused)
    assert "욕설이 담긴 답변" in text(people["operator"].get("/operator/questions"))
    hide(people["operator"], question.id, "answer", hidden=False)
    assert "욕설이 담긴 답변" in text(people["anonymous"].get(page))
    assert len(outbox) == 1


def test_only_operators_hide_and_only_a_known_part(session, shop, people):
    ask(people["asker"], shop.product.id)
    question = the_question(session)
    for who in ("asker", "owner"):
        assert hide(people[who], question.id, "question").status_code == 404
    assert hide(people["anonymous"], question.id, "question").status_code == 302
    assert hide(people["operator"], question.id, "everything").status_code == 400
    assert the_question(session).hidden is False


def test_my_questions_are_for_the_asker_only(session, shop, people):
    ask(people["asker"], shop.product.id, body=SECRET, private=True)
    ask(people["other"], shop.last_one.id, body="가방 크기가 어떻게 되나요?")
    anonymous = people["anonymous"].get("/questions/mine")
    assert anonymous.status_code == 302 and "/account/sign-in" in anonymous.headers["Location"]
    mine = text(people["asker"].get("/questions/mine"))
    assert SECRET in mine and shop.product.title in mine and "가방 크기" not in mine
    theirs = text(people["other"].get("/questions/mine"))
    assert SECRET not in theirs and "가방 크기" in theirs


def test_the_full_list_pages_newest_first(session, shop, people):
    from storefront.models import utcnow
    from storefront.services import questions

    asker = session.scalars(select(User).where(User.email == "asker@example.com")).one()
    for i in range(25):
        questions.ask(
            session,
            shop.product,
            asker,
            f"문의 번호 {i:02d}",
            private=False,
            locale="ko",
            now=utcnow(),
        )
    session.commit()
    client = people["anonymous"]
    first = text(client.get(f"/products/{shop.product.id}/questions"))
    assert "문의 번호 24" in first and "문의 번호 05" in first and "문의 번호 04" not in first
    assert first.index("문의 번호 24") < first.index("문의 번호 23")
    found = re.search(r'rel="next" href="([^"]+)"', first)
    assert found
    second = text(client.get(found.group(1).replace("&amp;", "&")))
    assert "문의 번호 04" in second and "문의 번호 00" in second and "문의 번호 05" not in second
    product_page = text(client.get(f"/products/{shop.product.id}"))
    assert re.search(r'data-testid="question-count">25<', product_page)
    assert "문의 번호 20" in product_page and "문의 번호 19" not in product_page  # the newest 5


def test_asking_is_rate_limited(make_app, session, shop):
    app = make_app(QUESTION_RATE_LIMIT="2 per minute")
    accounts.sign_up(session, "asker@example.com", "이문의", PASSWORD)
    session.commit()
    client = english(app.test_client())
    sign_in(client, email="asker@example.com")
    statuses = [ask(client, shop.product.id, body=f"문의 {i}").status_code for i in range(3)]
    assert statuses == [302, 302, 429]
    assert len(session.scalars(select(Question)).all()) == 2
