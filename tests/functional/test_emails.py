"""Notices become emails at the edge: after the commit, in the notice's language, with links
built from the configured host; never after a rollback."""

import json
import re

import pytest
from flask import url_for
from sqlalchemy import select

from storefront.models import Job
from storefront.services import accounts, notify
from storefront.services.notices import Notice
from storefront.web.emails import deliver
from tests.factories import Line, make_paid_order
from tests.helpers import english

SUBJECTS = {"ko": "[상생] 주문 {} 환불 안내", "en": "Sangsaeng order {}: refund"}
LEFT = {"ko": "₩10,000", "en": "₩10,000 of the order is still paid"}


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_a_committed_notice_is_emailed_in_its_language_with_its_link(session, shop, outbox, locale):
    order = make_paid_order(session, shop.venture, [Line(shop.product)], email="Buyer@Example.com")
    order.locale = locale
    session.commit()
    notify.order_refund(session, order, 5000, 10000)
    assert outbox == []
    session.commit()
    [email] = outbox
    assert email.to == ["Buyer@Example.com"]
    assert email.subject == SUBJECTS[locale].format(order.number)
    link = url_for("orders.show", number=order.number, token=order.access_token, _external=True)
    assert link.startswith("http://shop.test/") and link in email.body
    assert LEFT[locale] in email.body
    html = email.alternatives[0][0]
    assert f'<html lang="{locale}">' in html and f'href="{link}"' in html


def test_nothing_is_sent_when_the_transaction_rolls_back(session, shop, outbox):
    order = make_paid_order(session, shop.venture, [Line(shop.product)])
    session.commit()
    notify.order_refund(session, order, 5000, 10000)
    session.rollback()
    session.commit()
    assert outbox == []


def test_a_stored_notice_is_delivered_without_a_request(app, session, shop, outbox):
    """What a job queue's worker will do with a notice it read back from a table."""
    stored = json.dumps(
        Notice(
            "staff_invitation", "new@example.com", "en", {"venture_name": "햇살", "token": "T"}
        ).to_json()
    )
    with app.app_context():
        deliver(Notice.from_json(json.loads(stored)))
    [email] = outbox
    assert email.subject == "You are invited to help run 햇살 on Sangsaeng"
    assert "http://shop.test/seller/invitations/T" in email.body


def test_views_record_plain_notices_without_links(client, session, shop, outbox):
    accounts.sign_up(session, "owner@example.com", "김대표", "our bakery bakes daily")
    session.commit()
    english(client).post("/account/forgot", data={"email": "owner@example.com"})
    [job] = session.scalars(select(Job)).all()
    assert (job.kind, job.status, job.attempts, len(outbox)) == ("notice", "done", 1, 1)
    notice = Notice.from_json(job.payload)
    assert (notice.kind, notice.to, notice.locale) == ("password_reset", "owner@example.com", "en")
    assert set(notice.params) == {"name", "token"} and "http" not in json.dumps(notice.to_json())


def test_a_link_names_the_configured_host_and_other_hosts_are_refused(
    client, session, shop, outbox
):
    accounts.sign_up(session, "owner@example.com", "김대표", "our bakery bakes daily")
    session.commit()
    evil = client.post(
        "/account/forgot", data={"email": "owner@example.com"}, base_url="http://evil.test"
    )
    assert evil.status_code == 400 and outbox == []
    client.post("/account/forgot", data={"email": "owner@example.com"})
    [email] = outbox
    assert re.search(r"http://shop\.test/account/reset/\S+", email.body)
    assert email.subject == "[상생] 비밀번호 재설정 안내"  # the request asked for no language
