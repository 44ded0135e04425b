"""Product questions in the services: who reads what, one email per first answer (even when
two staff answer at once), and refusals."""

import pytest
from sqlalchemy import select

from storefront.domain.errors import QuestionRefused
from storefront.domain.questions import ANYONE, Viewer
from storefront.extensions import db
from storefront.models import Job, Membership, Question, utcnow
from storefront.services import accounts, notices, questions
from tests.helpers import PASSWORD, run_together


@pytest.fixture
def people(session, shop):
    asker = accounts.sign_up(session, "asker@example.com", "이문의", PASSWORD)
    staff = accounts.sign_up(session, "staff@example.com", "직원", PASSWORD)
    session.add(Membership(user_id=staff.id, venture_id=shop.venture.id, role="staff"))
    session.commit()
    return asker, staff


def ask(session, shop, asker, body="비밀 문의", private=True):
    return questions.ask(
        session, shop.product, asker, body, private=private, locale="en", now=utcnow()
    )


def test_a_private_question_is_read_by_the_asker_the_venture_and_operators_only(
    session, shop, people
):
    asker, staff = people
    question = ask(session, shop, asker)
    questions.answer(session, question, staff, "비밀 답변", utcnow())
    readers = {
        "asker": Viewer(user_id=asker.id),
        "staff": Viewer(user_id=staff.id, venture_ids=frozenset({shop.venture.id})),
        "operator": Viewer(user_id=999, operator=True),
    }
    others = {
        "anyone": ANYONE,
        "another shopper": Viewer(user_id=asker.id + 1000),
        "another venture": Viewer(user_id=998, venture_ids=frozenset({shop.other_venture.id})),
    }
    for who, viewer in readers.items():
        seen = questions.view(question, viewer)
        assert (seen.body, seen.answer) == ("비밀 문의", "비밀 답변"), who
    for who, viewer in others.items():
        seen = questions.view(question, viewer)
        assert (seen.body, seen.answer, seen.readable, seen.answered) == ("", "", False, True), who


def test_the_first_answer_records_one_notice_and_an_edit_none(session, shop, people):
    asker, staff = people
    question = ask(session, shop, asker, private=False)
    assert questions.answer(session, question, staff, "첫 답변", utcnow()) is True
    assert questions.answer(session, question, staff, "고친 답변", utcnow()) is False
    [notice] = notices.recorded(session)
    assert (notice.kind, notice.to, notice.locale) == ("question_answered", asker.email, "en")
    assert notice.params == {"question_id": question.id}
    assert question.answer == "고친 답변" and question.answered_by_id == staff.id


def test_refusals_leave_the_question_as_it_was(session, shop, people):
    asker, staff = people
    with pytest.raises(QuestionRefused) as empty:
        ask(session, shop, asker, body=" \n ")
    assert (empty.value.code, empty.value.field) == ("question.empty", "question")
    with pytest.raises(QuestionRefused) as long:
        ask(session, shop, asker, body="x" * 1001)
    assert (long.value.code, long.value.params) == ("question.too_long", {"max": 1000})
    question = ask(session, shop, asker)
    with pytest.raises(QuestionRefused):
        questions.answer(session, question, staff, "x" * 2001, utcnow())
    with pytest.raises(QuestionRefused) as part:
        questions.set_hidden(session, question, "venture", True)
    assert part.value.code == "question.unknown_part"
    questions.set_hidden(session, question, "answer", True)
    with pytest.raises(QuestionRefused) as hidden:
        questions.answer(session, question, staff, "답변", utcnow())
    assert hidden.value.code == "question.answer_hidden"
    assert (question.answered, question.answer, notices.recorded(session)) == (False, None, [])


@pytest.mark.postgres
def test_two_staff_answering_at_once_send_one_email(app, session, shop, people):
    asker, staff = people
    other = accounts.sign_up(session, "staff2@example.com", "직원2", PASSWORD)
    session.add(Membership(user_id=other.id, venture_id=shop.venture.id, role="staff"))
    question_id = ask(session, shop, asker, private=False).id
    staff_ids = [staff.id, other.id]
    session.commit()

    def work(i):
        from storefront.models import User

        question = db.session.get(Question, question_id)
        first = questions.answer(
            db.session(), question, db.session.get(User, staff_ids[i]), f"답변 {i}", utcnow()
        )
        db.session.commit()
        return first

    assert sorted(run_together(app, 2, work)) == [False, True]
    sent = session.scalars(select(Job).where(Job.kind == "notice")).all()
    assert [job.payload["kind"] for job in sent] == ["question_answered"]
