"""The task queue: side effects leave the request and run in a worker, with retries.

Huey carries the jobs. In production it runs on Redis (``JOBS_BROKER_URL=redis://...``) and
a separate ``flask jobs worker`` runs them; in the demo (``memory://``) a worker thread in
the web process does, started by the first request; in tests (``JOBS_EAGER``) they run
right after the commit, in the committing thread.

A queue message carries only a job's id. What must happen is the ``Job`` row that the
transaction wrote (``services.jobs``), so a lost message costs time, never the job: every
minute the scheduler runs the relay, which hands over again the pending jobs whose message
went missing, and releases lapsed holds.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import MemoryHuey, RedisHuey, crontab
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer
from redis import ConnectionPool

from storefront.domain.errors import ConfigError
from storefront.extensions import db
from storefront.models import utcnow
from storefront.services import holds, jobs, notices, recommend
from storefront.services import log as donation_log
from storefront.web import counting
from storefront.web.payments import redeliver

log = logging.getLogger(__name__)
EVERY_MINUTE = crontab(minute="*")


def _send_notice(payload: Mapping[str, Any]) -> None:
    from storefront.web.emails import deliver

    deliver(notices.Notice.from_json(payload))


def _sign_checkpoint(payload: Mapping[str, Any]) -> None:
    """Sign a checkpoint of the log, but no sooner than ``LOG_CHECKPOINT_SECONDS`` after the
    last one: a checkpoint asked for earlier is put off until then, and the appends made
    meanwhile are signed together by it."""
    session, now = db.session(), queue().clock()
    due = donation_log.next_checkpoint_due(
        session, timedelta(seconds=current_app.config["LOG_CHECKPOINT_SECONDS"])
    )
    if due is not None and due > now:
        jobs.add(session, donation_log.CHECKPOINT_JOB, {}, run_after=due)
        return
    donation_log.checkpoint(session, current_app.extensions["log_signer"], now)


def _refresh_recommendations(_payload: Mapping[str, Any]) -> None:
    recommend.refresh(db.session(), queue().clock())


# What a job of each kind does, in an app context, inside the transaction that claimed it.
PERFORMERS: dict[str, Callable[[Mapping[str, Any]], None]] = {
    notices.KIND: _send_notice,
    donation_log.CHECKPOINT_JOB: _sign_checkpoint,
    recommend.JOB: _refresh_recommendations,
}


def init_app(app: Flask) -> None:
    """Give the app its queue and hand it every job that a transaction commits."""
    queue = Queue(app)
    app.extensions["jobs"] = queue
    jobs.dispatch_after_commit(_dispatch_in_current_app)
    if app.config["JOBS_IN_PROCESS"] and not app.config["JOBS_EAGER"]:
        app.before_request(queue.start_in_process)


def queue() -> Queue:
    """The current app's queue."""
    return current_app.extensions["jobs"]


def _dispatch_in_current_app(job_id: uuid.UUID, at: datetime | None) -> None:
    if has_app_context():  # else (a script's plain session) the relay hands it over
        queue().dispatch(job_id, at)


def build_huey(config: Mapping[str, Any]) -> Huey:
    """Huey on the configured broker: ``memory://`` (one process) or ``redis://...``."""
    url = config["JOBS_BROKER_URL"]
    if config["JOBS_EAGER"]:
        return MemoryHuey("sangsaeng", immediate=True, results=False)
    if url.startswith("memory:"):
        return MemoryHuey("sangsaeng", results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Time out rather than hang a request on an unreachable Redis (the relay catches up);
        # the worker's blocking read waits 1 s, well within the socket timeout.
        pool = ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=10)
        return RedisHuey("sangsaeng", connection_pool=pool, results=False)
    raise ConfigError(f"JOBS_BROKER_URL must be memory:// or redis://..., got {url!r}")


class Queue:
    """The app's jobs on Huey: hand them over, run them, relay the lost ones."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.app = app
        self.huey = build_huey(config)
        self.policy = jobs.RetryPolicy(
            max_attempts=config["JOBS_MAX_ATTEMPTS"],
            first_delay=timedelta(seconds=config["JOBS_RETRY_SECONDS"]),
        )
        self.settle = timedelta(seconds=config["JOBS_RELAY_AFTER_SECONDS"])
        self.clock: Callable[[], datetime] = utcnow  # tests move it forward
        # Huey's own retries cover what fails before a job is claimed (the database is
        # down); a failed attempt at the job itself is counted on its row instead.
        self.run_task: TaskWrapper = self.huey.task(
            name="run_job", retries=3, retry_delay=10, retry_backoff=2
        )(self._run_in_app)
        self.huey.periodic_task(EVERY_MINUTE, name="relay")(self._relay_in_app)
        self.huey.periodic_task(EVERY_MINUTE, name="expire_holds")(self._expire_in_app)
        # A checkpoint job lost on the way costs at most a minute: this one signs what grew.
        self.huey.periodic_task(EVERY_MINUTE, name="log_checkpoint")(self._checkpoint_in_app)
        # Searches and product views counted in the cache become rows (web/counting.py).
        self.huey.periodic_task(EVERY_MINUTE, name="fold_trends")(self._fold_trends_in_app)
        # The recommendations are computed again once enough orders were paid since the last time.
        self.huey.periodic_task(EVERY_MINUTE, name="recommend")(self._recommend_in_app)
        self._consumer: Consumer | None = None
        self._lock = threading.Lock()

    # -- handing over ------------------------------------------------------------------------

    def dispatch(self, job_id: uuid.UUID, at: datetime | None = None) -> None:
        """Queue the job now, or for ``at``."""
        if at is None:
            self.run_task(str(job_id))
        else:
            self.run_task.schedule(args=(str(job_id),), eta=at)

    def relay(self) -> int:
        """Hand over again the pending jobs whose message went missing; return how many."""
        lost = jobs.lost(db.session(), self.clock(), self.settle)
        db.session.rollback()  # only read
        for job_id in lost:
            self.dispatch(job_id)
        if lost:
            log.info("relayed %d jobs whose hand-off went missing", len(lost))
        return len(lost)

    # -- running -----------------------------------------------------------------------------

    def run(self, job_id: uuid.UUID) -> str:
        """Claim the job, do it and record how it went, in one transaction.

        Returns ``"done"``; ``"retry"`` (queued again for its ``run_after``); ``"failed"``
        (no attempts left); or ``"skipped"`` (done already, not yet due, or another worker
        holds it).
        """
        session = db.session()
        job = jobs.claim(session, job_id, self.clock())
        if job is None:
            session.rollback()
            return "skipped"
        try:
            with session.begin_nested():  # a database error in the work keeps the claim
                PERFORMERS[job.kind](job.payload)
        except Exception as error:
            retry_at = jobs.attempt_failed(
                job, f"{type(error).__name__}: {error}", self.clock(), self.policy
            )
            log.warning(
                "job %s (%s) failed on attempt %d of %d: %s",
                job_id, job.kind, job.attempts, self.policy.max_attempts, error,
            )  # fmt: skip
            session.commit()
            if retry_at is None:
                return "failed"
            self.dispatch(job_id, at=retry_at)
            return "retry"
        jobs.done(job, self.clock())
        session.commit()
        return "done"

    def expire_holds(self) -> int:
        """Settle unpaid orders past their hold (asking the provider first), and redeliver the
        test provider's unacknowledged events; the number of orders expired."""
        now = self.clock()
        sweep = holds.expire_holds(db.session(), self.app.extensions["payment_provider"], now)
        db.session.commit()
        redeliver(now)
        return sweep.expired

    def checkpoint(self) -> int | None:
        """Sign a checkpoint of the donation log if it grew; the size signed, or None."""
        signed = donation_log.checkpoint(
            db.session(), self.app.extensions["log_signer"], self.clock()
        )
        db.session.commit()
        return None if signed is None else signed.size

    def fold_trends(self) -> int:
        """Fold the cache's counts of searches and product views into their tables; the
        rows that changed."""
        changed = counting.fold(db.session(), self.clock())
        db.session.commit()
        return changed

    def _fold_trends_in_app(self) -> int:
        with self.app.app_context():
            return self.fold_trends()

    def ask_for_recommendations(self) -> bool:
        """Queue a refresh of the recommendations if one is due; whether one was queued."""
        config, session = self.app.config, db.session()
        every = timedelta(seconds=config["RECOMMEND_REFRESH_SECONDS"])
        asked = recommend.due(
            session, self.clock(), config["RECOMMEND_REFRESH_ORDERS"], every
        ) and recommend.ask_refresh(session)
        session.commit()
        return asked

    def _recommend_in_app(self) -> bool:
        with self.app.app_context():
            return self.ask_for_recommendations()

    def _checkpoint_in_app(self) -> int | None:
        with self.app.app_context():
            return self.checkpoint()

    def _run_in_app(self, job_id: str) -> str:
        with self._context():
            return self.run(uuid.UUID(job_id))

    def _context(self) -> AbstractContextManager[Any]:
        """An app context: links in what a job sends come from ``PUBLIC_URL`` alone."""
        return self.app.app_context()

    def _relay_in_app(self) -> int:
        with self.app.app_context():
            return self.relay()

    def _expire_in_app(self) -> int:
        with self.app.app_context():
            return self.expire_holds()

    # -- workers -----------------------------------------------------------------------------

    def consumer(self, workers: int = 2, periodic: bool = True) -> Consumer:
        """Huey's consumer: worker threads, and the scheduler that runs the periodic jobs."""
        return Consumer(self.huey, workers=workers, periodic=periodic, worker_type="thread")

    def start_in_process(self) -> None:
        """Run a worker thread and the scheduler inside this process (the demo), once."""
        if self._consumer is not None:
            return
        with self._lock:
            if self._consumer is None:
                if not self.app.config.get("SERVER_NAME"):
                    log.warning("PUBLIC_URL is not set: emails that link to the shop will fail")
                consumer = _InProcessConsumer(self.huey, workers=1, worker_type="thread")
                consumer.start()
                self._consumer = consumer

    def stop_in_process(self) -> None:
        with self._lock:
            if self._consumer is not None:
                self._consumer.stop(graceful=True)
                self._consumer = None

    def drain(self, now: datetime | None = None, periodic: bool = False) -> int:
        """Run here, one by one, every queued job and every one scheduled by ``now`` (and,
        with ``periodic``, the periodic jobs due then); return how many ran. The tests'
        worker: it runs what a consumer would, without threads."""
        moment = (now or self.clock()).astimezone(UTC).replace(tzinfo=None)  # Huey's time
        for task in self.huey.read_schedule(moment):
            self.huey.enqueue(task)
        if periodic:
            for task in self.huey.read_periodic(moment):
                self.huey.enqueue(task)
        ran = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task, moment)
            ran += 1
        return ran


class _InProcessConsumer(Consumer):
    """A consumer that leaves the signals to the web server it runs inside."""

    def _set_signal_handlers(self) -> None:
        pass
