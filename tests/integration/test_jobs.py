"""Emails leave the request through the outbox and the real queue, to a real SMTP server.

These apps run with ``JOBS_EAGER=False``: a commit only hands the job's id to Huey (in
memory, as in the demo), and the test plays the worker with ``Queue.drain``. The queue's
clock is the test's, so retries come due when the test says.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.jobs import Queue
from storefront.models import Job, utcnow
from storefront.services import accounts, jobs, notices
from storefront.services.notices import Notice
from tests import factories
from tests.helpers import PASSWORD, SHOPPER, buy, english, sign_in
from tests.smtp import SilentServer, SmtpServer


class Clock:
    """The real time, moved forward by the test."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self):
        return utcnow() + self.ahead

    def advance(self, seconds: float) -> None:
        self.ahead += timedelta(seconds=seconds)


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def queued(make_app, smtp, clock):
    """Build an app whose jobs go through the queue to ``smtp``, and enter its context."""
    entered = []

    def build(**overrides):
        settings = {
            "JOBS_EAGER": False,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
            "MAIL_TIMEOUT": 2,
        }
        app = make_app(**{**settings, **overrides})
        app.extensions["jobs"].clock = clock
        context = app.app_context()
        context.push()
        entered.append(context)
        return app

    yield build
    for context in reversed(entered):
        db.session.remove()
        context.pop()


def queue_of(app) -> Queue:
    return app.extensions["jobs"]


def work(app, relay: bool = False) -> int:
    """Play the worker: the relay if asked, then every job due by the queue's clock."""
    db.session.commit()  # the test's own session holds no lock while the worker runs
    if relay:
        queue_of(app).relay()
    return queue_of(app).drain()


def invitation(number: int) -> Notice:
    token = f"T{number}"
    return Notice(
        "staff_invitation", f"p{number}@example.com", "en", {"venture_name": "햇살", "token": token}
    )


def token_on(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def job_rows():
    db.session.commit()
    notices_only = select(Job).where(Job.kind == notices.KIND)  # not the log's checkpoints
    return db.session.scalars(notices_only.order_by(Job.created_at)).all()


def test_a_paid_order_is_emailed_by_the_worker_not_by_the_request(queued, smtp, clock):
    app = queued()
    smtp.start()
    product_id = factories.small_shop(db.session).product.id
    buy(app.test_client(), product_id)
    assert smtp.inbox.messages == []  # the page did not wait for the mail server
    [job] = job_rows()
    assert (job.kind, job.status, job.payload["kind"]) == (
        "notice",
        "pending",
        "order_confirmation",
    )
    assert work(app) == 2  # the email and the log's checkpoint
    [mail] = smtp.inbox.messages
    assert (
        mail["To"] == SHOPPER["email"] and job.payload["params"]["order_number"] in mail["Subject"]
    )
    clock.advance(3600)
    work(app, relay=True)
    assert len(smtp.inbox.messages) == 1
    assert [(j.status, j.attempts) for j in job_rows()] == [("done", 1)]


def test_a_crash_between_the_commit_and_the_hand_off_loses_no_email(
    queued, smtp, clock, monkeypatch
):
    app = queued()
    smtp.start()
    product_id = factories.small_shop(db.session).product.id
    # The process dies right after the commit: nothing reaches the queue.
    monkeypatch.setattr(jobs, "_dispatcher", [])
    buy(app.test_client(), product_id)
    assert len(queue_of(app).huey) == 0 and work(app) == 0
    assert smtp.inbox.messages == []
    # A worker's relay finds the committed job once it has waited long enough.
    clock.advance(app.config["JOBS_RELAY_AFTER_SECONDS"] + 1)
    work(app, relay=True)
    [mail] = smtp.inbox.messages
    assert mail["To"] == SHOPPER["email"]
    clock.advance(3600)
    work(app, relay=True)
    assert len(smtp.inbox.messages) == 1


def test_when_the_mail_server_is_down_every_email_arrives_once_it_is_back(queued, smtp, clock):
    app = queued()
    for number in range(3):
        notices.record(db.session, invitation(number))
    db.session.commit()
    work(app)  # the server is down: each attempt fails and is scheduled again
    rows = job_rows()
    assert [(j.status, j.attempts) for j in rows] == [("pending", 1)] * 3
    assert all("Connection refused" in j.last_error for j in rows)
    assert work(app) == 0 and all(j.attempts == 1 for j in job_rows())  # not due yet
    assert jobs.stats(db.session, clock())["retrying"] == 3
    clock.advance(31)
    work(app)
    assert [(j.status, j.attempts) for j in job_rows()] == [("pending", 2)] * 3

    smtp.start()
    clock.advance(200)  # both the scheduled retries and the relay hand each job over
    work(app, relay=True)
    assert smtp.inbox.recipients == [f"p{n}@example.com" for n in range(3)]
    clock.advance(3600)
    work(app, relay=True)
    assert len(smtp.inbox.messages) == 3
    assert [(j.status, j.attempts, j.last_error) for j in job_rows()] == [("done", 3, None)] * 3
    assert jobs.stats(db.session, clock()) == {
        "pending": 0, "retrying": 0, "failed": 0, "done": 3, "oldest_due_seconds": 0.0
    }  # fmt: skip


def test_a_job_that_keeps_failing_is_shown_to_operators_and_their_retry_sends_it(
    queued, smtp, clock
):
    app = queued(JOBS_MAX_ATTEMPTS=2)
    factories.make_operator(db.session)
    notices.record(db.session, invitation(7))
    db.session.commit()
    work(app)
    clock.advance(31)
    work(app)
    [job] = job_rows()
    assert (job.status, job.attempts) == ("failed", 2)
    assert work(app, relay=True) == 0  # a failed job waits for a person

    client = english(app.test_client())
    sign_in(client, email="ops@example.com", password=PASSWORD)
    page = client.get("/operator/jobs").get_data(as_text=True)
    assert "p7@example.com" in page and "staff_invitation" in page and "Connection refused" in page

    smtp.start()
    response = client.post(f"/operator/jobs/{job.id}/retry")
    assert response.status_code == 302
    work(app)
    assert smtp.inbox.recipients == ["p7@example.com"]
    assert "No failed job." in client.get("/operator/jobs").get_data(as_text=True)
    assert client.post(f"/operator/jobs/{job.id}/retry").status_code == 302  # nothing to retry
    work(app, relay=True)
    assert len(smtp.inbox.messages) == 1


def test_the_retry_button_needs_its_csrf_token(queued, clock):
    app = queued(WTF_CSRF_ENABLED=True)
    factories.make_operator(db.session)
    job = jobs.add(db.session, notices.KIND, invitation(1).to_json())
    job.status = "failed"
    db.session.commit()
    client = app.test_client()
    form = {"email": "ops@example.com", "password": PASSWORD}
    signed_in = client.post(
        "/account/sign-in", data={**form, "csrf_token": token_on(client, "/account/sign-in")}
    )
    assert signed_in.status_code == 302
    assert client.post(f"/operator/jobs/{job.id}/retry").status_code == 400
    token = token_on(client, "/operator/jobs")
    response = client.post(f"/operator/jobs/{job.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302 and job_rows()[0].status == "pending"


def test_a_mail_server_that_never_answers_neither_slows_the_page_nor_blocks_the_worker(
    queued, clock
):
    silent = SilentServer()
    try:
        app = queued(MAIL_PORT=silent.port, MAIL_TIMEOUT=1)
        accounts.sign_up(db.session, "owner@example.com", "김대표", PASSWORD)
        db.session.commit()
        started = time.monotonic()
        response = app.test_client().post("/account/forgot", data={"email": "owner@example.com"})
        assert response.status_code == 302 and time.monotonic() - started < 1
        started = time.monotonic()
        work(app)
        assert time.monotonic() - started < 5
    finally:
        silent.close()
    [job] = job_rows()
    assert (job.status, job.attempts) == ("pending", 1) and "timed out" in job.last_error


def test_workers_side_by_side_send_each_email_once(queued, smtp, clock):
    app = queued()
    smtp.start()
    for number in range(12):
        notices.record(db.session, invitation(number))
    db.session.commit()  # twelve hand-offs
    clock.advance(app.config["JOBS_RELAY_AFTER_SECONDS"] + 1)
    queue_of(app).relay()  # and each job handed over a second time
    db.session.commit()
    workers = [threading.Thread(target=queue_of(app).drain) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert smtp.inbox.recipients == sorted(f"p{n}@example.com" for n in range(12))
    assert {(j.status, j.attempts) for j in job_rows()} == {("done", 1)}


@pytest.mark.postgres
def test_a_second_worker_skips_the_email_another_is_sending(queued, smtp, clock):
    app = queued()
    smtp.inbox.delay = 1.0  # a slow server: the first worker holds the row for a second
    smtp.start()
    job = jobs.add(db.session, notices.KIND, invitation(1).to_json())
    job_id = job.id
    db.session.commit()
    finished = {}

    def attempt(name):
        with app.app_context():
            finished[name] = (queue_of(app).run(job_id), time.monotonic())

    first = threading.Thread(target=attempt, args=("first",))
    first.start()
    time.sleep(0.3)  # the first worker has claimed the row and is talking to the server
    attempt("second")
    first.join(30)
    assert finished["first"][0] == "done" and finished["second"][0] == "skipped"
    assert finished["second"][1] < finished["first"][1]  # SKIP LOCKED: it did not wait
    assert len(smtp.inbox.messages) == 1


def test_the_demo_runs_its_worker_inside_the_web_process(queued, smtp):
    # as `python3 dev.py serve`, which sets PUBLIC_URL to the address it serves on
    app = queued(
        JOBS_IN_PROCESS=True,
        SERVER_NAME="127.0.0.1:5055",
        PREFERRED_URL_SCHEME="http",
        TRUSTED_HOSTS=["127.0.0.1", "localhost"],
    )
    smtp.start()
    accounts.sign_up(db.session, "owner@example.com", "김대표", PASSWORD)
    db.session.commit()
    try:
        client = app.test_client()  # its first request starts the worker thread
        form = {"email": "owner@example.com"}
        client.post("/account/forgot", data=form, base_url="http://localhost:5055")
        deadline = time.monotonic() + 10
        while not smtp.inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        queue_of(app).stop_in_process()
    assert smtp.inbox.recipients == ["owner@example.com"]
    assert [(j.status, j.payload["kind"]) for j in job_rows()] == [("done", "password_reset")]
    body = smtp.inbox.messages[0].get_body(("plain",)).get_content()
    assert "http://127.0.0.1:5055/account/reset/" in body  # from PUBLIC_URL, not the Host
