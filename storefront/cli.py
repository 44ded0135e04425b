"""``flask`` commands: demo data, scaled catalogues for benchmarks, settling stale holds,
redelivering the test provider's events, the job worker."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from storefront.domain.errors import AccountRefused, LogRefused
from storefront.extensions import db
from storefront.models import Venture, utcnow
from storefront.services import accounts, ventures
from storefront.services.holds import expire_holds
from storefront.web.payments import redeliver

demo = AppGroup("demo", help="Demo and benchmark data.")
orders = AppGroup("orders", help="Order housekeeping.")
operators = AppGroup("operators", help="Operator accounts.")
ledger_cli = AppGroup("ledger", help="The donation ledger.")
ventures_cli = AppGroup("ventures", help="Review venture applications.")
jobs_cli = AppGroup("jobs", help="The task queue that sends emails and releases holds.")
payments_cli = AppGroup("payments", help="The payment provider's side.")
stats_cli = AppGroup("stats", help="The running totals of the ventures' sales.")
recommend_cli = AppGroup("recommend", help="The product recommendations model.")


@demo.command("load")
@click.option(
    "--products",
    type=click.IntRange(min=0),
    default=0,
    help="Grow the catalogue to this many products.",
)
@click.option(
    "--orders",
    "order_count",
    type=click.IntRange(min=0),
    default=60,
    help="Paid demo orders to place.",
)
@click.option("--if-empty", is_flag=True, help="Do nothing if the shop already has ventures.")
def load_demo(products: int, order_count: int, if_empty: bool) -> None:
    """Load the demo ventures, products, causes and order history."""
    from storefront.demo import loader
    from storefront.services import log

    session = db.session()
    if loader.is_empty(session):
        counts, placed, reports = loader.load_shop(session, current_app.config, order_count)
        production = current_app.config["ENV_MODE"] == "production"
        emails = [] if production else loader.load_accounts(session)
        log.checkpoint(session, current_app.extensions["log_signer"], utcnow())
        session.commit()
        click.echo(
            f"Loaded {counts['ventures']} ventures, {counts['products']} products, "
            f"{counts['causes']} causes, {placed} paid orders and {reports} impact reports."
        )
        if emails:
            click.echo(f"Demo accounts (password {loader.DEMO_PASSWORD}): {', '.join(emails)}")
    elif if_empty:
        click.echo("The shop already has data; nothing loaded.")
    if products:
        added = loader.load_scaled(session, products)
        session.commit()
        click.echo(f"Added {added} benchmark products.")


@orders.command("expire-holds")
def expire_holds_command() -> None:
    """Settle orders left unpaid past their hold: fulfil the paid, expire the rest."""
    sweep = expire_holds(db.session(), current_app.extensions["payment_provider"], utcnow())
    db.session.commit()
    click.echo(
        f"Released {sweep.expired} unpaid orders; fulfilled {sweep.fulfilled} paid ones; "
        f"left {sweep.left} for the next sweep."
    )


@payments_cli.command("redeliver")
def redeliver_command() -> None:
    """Deliver the test provider's unacknowledged webhook events that are due."""
    outcomes = redeliver()
    click.echo(f"Delivered {len(outcomes)} events: {', '.join(outcomes) or 'none due'}.")


@operators.command("create")
@click.argument("email")
@click.option("--name", default="운영자", help="Shown in the operator's header.")
@click.password_option(help="At least 10 characters.")
def create_operator(email: str, name: str, password: str) -> None:
    """Create an operator account, or make an existing account an operator."""
    session = db.session()
    user = accounts.find_by_email(session, email)
    if user is None:
        try:
            user = accounts.sign_up(session, email, name, password)
        except AccountRefused as error:
            raise click.ClickException(f"cannot create {email}: {error.code}") from error
    user.is_operator = True
    session.commit()
    click.echo(f"{user.email} is an operator.")


def _venture(slug: str) -> Venture:
    venture = db.session.scalar(select(Venture).where(Venture.slug == slug))
    if venture is None:
        raise click.ClickException(f"no venture {slug!r}")
    return venture


@ventures_cli.command("list")
@click.option("--status", type=click.Choice(["pending", "approved", "rejected"]))
def list_ventures(status: str | None) -> None:
    """List ventures, those waiting for review first."""
    for venture in ventures.pending_first(db.session()):
        if status is None or venture.status == status:
            number = venture.registration_number or "-"
            click.echo(f"{venture.status:9} {venture.slug:30} {number:13} {venture.name}")


@ventures_cli.command("approve")
@click.argument("slug")
@click.option("--note", default="")
def approve_venture(slug: str, note: str) -> None:
    """Approve a venture: its published products appear in the shop."""
    venture = _venture(slug)
    try:
        ventures.review(db.session(), venture, True, note, utcnow())
    except ventures.NotReviewable as error:
        raise click.ClickException(f"{slug} is already approved") from error
    db.session.commit()
    click.echo(f"{slug} approved.")


@ventures_cli.command("reject")
@click.argument("slug")
@click.option("--note", default="")
def reject_venture(slug: str, note: str) -> None:
    """Reject a venture (or withdraw an approval): its products leave the shop."""
    ventures.review(db.session(), _venture(slug), False, note, utcnow())
    db.session.commit()
    click.echo(f"{slug} rejected.")


@stats_cli.command("verify")
def verify_stats() -> None:
    """Recompute the sales totals from the orders and name every stored row that differs."""
    from storefront.services import sales

    problems = sales.verify(db.session())
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo("The sales totals match the orders.")


@stats_cli.command("rebuild")
def rebuild_stats() -> None:
    """Replace the sales totals with ones recomputed from the orders (after a bulk load)."""
    from storefront.services import sales

    totals = sales.rebuild(db.session())
    db.session.commit()
    click.echo(f"Rebuilt the sales totals: {len(totals.days)} venture days.")


@ledger_cli.command("verify")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help="Processes that read the entries (default: 2 from 100,000 entries on 2 cores, else 1).",
)  # fmt: skip
def verify_ledger(jobs: int | None) -> None:
    """Recompute the hash chain and name the first entry that does not match; check the
    running totals against the entries, each matching fund's counters against its
    top-ups and the matches drawn from it, that no payout paid a cause more than it was
    owed when it was recorded, and the donation log (``log.audit``)."""
    from storefront.services import funds, ledger_verify

    found = ledger_verify.audit(db.session(), jobs)  # one streamed pass, split by id ranges
    checked, broken = found.checked, found.first_break
    if broken is not None:
        click.echo(f"Ledger entry {broken} does not match the chain ({checked} entries read).")
        raise SystemExit(1)
    for cause_id, venture_id, month, kind in found.sums_that_differ:
        click.echo(
            f"The running total for cause {cause_id}, venture {venture_id}, {month}, {kind} "
            "does not match the entries."
        )
        raise SystemExit(1)
    off = [b for b in funds.balances(db.session()) if not b.consistent]
    for b in off:
        click.echo(
            f"Fund {b.fund.id} ({b.fund.name}) says {b.fund.remaining} left of {b.fund.budget}; "
            f"its top-ups ({b.topped_up}) and matches say {b.expected_remaining}."
        )
    if off:
        raise SystemExit(1)
    corrections, overpaid = found.bad_corrections, found.overpaid
    for problem in corrections:
        click.echo(problem[0].upper() + problem[1:] + ".")
    for p in overpaid:
        click.echo(
            f"Payout {p.payout_id} pays cause {p.cause_id} more than it was owed: "
            f"{p.paid} paid in all against {p.owed} owed when it was recorded."
        )
    if corrections or overpaid:
        raise SystemExit(1)
    click.echo(f"The ledger checks: {checked} entries, every hash and link matches.")
    _verify_log()


def _verify_log() -> None:
    """The donation log against the rows: leaves, tree, tiles and signed checkpoints."""
    from storefront.services import log

    session = db.session()
    problems = log.audit(session, current_app.extensions["log_verifier_keys"])
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    latest = log.latest(session)
    click.echo(
        f"The log checks: {log.size(session)} leaves; "
        + (
            f"checkpoints up to {latest.size} leaves are signed."
            if latest
            else "no checkpoint yet."
        )
    )


@ledger_cli.command("checkpoint")
def sign_checkpoint() -> None:
    """Sign a checkpoint of the donation log now, if it grew since the last one."""
    from storefront.services import log

    session = db.session()
    signed = log.checkpoint(session, current_app.extensions["log_signer"], utcnow())
    session.commit()
    if signed is None:
        last = log.latest(session)
        click.echo(
            f"The log has not grown since the checkpoint of {last.size if last else 0} leaves."
        )
        return
    click.echo(f"Signed a checkpoint of {signed.size} leaves:")
    click.echo(signed.note, nl=False)


@ledger_cli.command("log-key")
@click.option(
    "--generate", "origin", metavar="ORIGIN", default=None,
    help="Print a new private key named ORIGIN (for LOG_SIGNING_KEY) instead.",
)  # fmt: skip
def log_key(origin: str | None) -> None:
    """Print the verifier key of the log's checkpoints (publish it), or a new private key."""
    from storefront.domain import notes

    if origin is not None:
        try:
            click.echo(notes.Signer.generate(origin).private_key_string())
        except LogRefused:
            raise click.BadParameter("no spaces or + in a key name", param_hint="ORIGIN") from None
        return
    click.echo(str(current_app.extensions["log_signer"].verifier_key))


@ledger_cli.command("witness-add")
@click.argument("verifier_key")
@click.option("--name", default="", help="Who runs the witness (default: the key's name).")
def witness_add(verifier_key: str, name: str) -> None:
    """Accept and serve cosignatures made with a witness's cosignature/v1 verifier key."""
    from storefront.services import log

    try:
        witness = log.add_witness(db.session(), verifier_key, name, utcnow())
    except LogRefused:
        click.echo("That is not a cosignature/v1 verifier key (name+hash+base64).")
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Witness {witness.id} ({witness.name}) registered.")


@ledger_cli.command("witness-remove")
@click.argument("verifier_key")
def witness_remove(verifier_key: str) -> None:
    """Stop accepting and serving a witness's cosignatures (those kept stay on record)."""
    from storefront.services import log

    witness = log.remove_witness(db.session(), verifier_key)
    db.session.commit()
    if witness is None:
        click.echo("No witness has that key.")
        raise SystemExit(1)
    click.echo(f"Witness {witness.id} ({witness.name}) removed.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(min=1), default=2, help="Worker threads.")
@click.option(
    "--periodic/--no-periodic",
    default=True,
    help="Also run the every-minute jobs (the relay, expiring holds); one worker is enough.",
)
def jobs_worker(workers: int, periodic: bool) -> None:
    """Run the jobs: emails, retries, and (with --periodic) the every-minute jobs."""
    from storefront.jobs import queue

    queue().consumer(workers=workers, periodic=periodic).run()


@jobs_cli.command("relay")
def jobs_relay() -> None:
    """Hand the queue again the pending jobs whose hand-off went missing."""
    from storefront.jobs import queue

    click.echo(f"Relayed {queue().relay()} jobs.")


@jobs_cli.command("stats")
def jobs_stats() -> None:
    """Count the jobs waiting, retrying, failed and done."""
    from storefront.services import jobs

    for name, value in jobs.stats(db.session()).items():
        click.echo(f"{name} {value}")


@recommend_cli.command("refresh")
def recommend_refresh() -> None:
    """Compute the recommendations from the paid orders now (the job does it in the
    background once enough orders were paid)."""
    from storefront.services import recommend

    rows = recommend.refresh(db.session(), utcnow())
    db.session.commit()
    click.echo(f"Recommendations refreshed: {rows} rows.")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(orders)
    app.cli.add_command(operators)
    app.cli.add_command(ventures_cli)
    app.cli.add_command(ledger_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(payments_cli)
    app.cli.add_command(stats_cli)
    app.cli.add_command(recommend_cli)
