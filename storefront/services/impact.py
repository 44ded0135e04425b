"""The public impact report, computed from the shop's own data, and the reports ventures file.

The public figures take three SQL statements however many ventures, orders and reports
there are. Each figure's definition and rounding is in docs/impact.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Select,
    bindparam,
    cast,
    func,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from storefront.domain.errors import AlreadyReported
from storefront.domain.impact import (
    VULNERABLE_GROUPS,
    JobsReport,
    Quarter,
    change_bp,
    check_report,
    check_sales_before,
    first_months,
    first_months_over,
    mean,
    monthly_average,
    quarters_between,
)
from storefront.domain.periods import Window, local_date, shift
from storefront.models import (
    ImpactReport,
    SalesBeforeJoining,
    SalesDay,
    User,
    Venture,
)
from storefront.services import ledger

CHART_MONTHS = 12
CHART_QUARTERS = 8


@dataclass(frozen=True)
class QuarterJobs:
    quarter: Quarter
    vulnerable: int
    ventures: int  # how many ventures reported that quarter


@dataclass
class Impact:
    """The public figures. ``None`` means no venture is covered yet."""

    ventures_listed: int
    # average monthly sales in the first three months
    first_months_average: int | None
    first_months_ventures: int
    in_first_months: int  # approved ventures whose first three months are not over
    # change against the sales before joining, summed over the ventures that reported them
    change_bp: int | None
    change_ventures: int
    sales_before_total: int
    sales_after_total: int
    # vulnerable-group jobs, per each venture's latest report
    jobs_now: int
    jobs_by_group: dict[str, int]
    jobs_ventures: int
    donated: int  # through the ventures' sales: donations and matches, net of refunds
    paid_out: int
    gifts: int = 0  # shoppers' own gifts at checkout, net of refunds, shown apart
    donations_by_month: list[tuple[date, int]] = field(default_factory=list)
    ventures_by_month: list[tuple[date, int]] = field(default_factory=list)
    jobs_by_quarter: list[QuarterJobs] = field(default_factory=list)


@dataclass(frozen=True)
class _Approved:
    """An approved venture, as the impact figures read it."""

    id: int
    joined: date | None  # Seoul date of its approval; None if approved before dates were kept
    sales_before: int | None  # its own monthly sales before joining, if it reported them
    monthly: dict[date, int]  # goods sold per Seoul month, in the months just after joining


def _approved(db: Session) -> list[_Approved]:
    """Every approved venture with its sales in the months just after joining (one query).

    Sales are counted as on the seller's numbers page (the running totals of sales.py),
    added up per month by the database. The SQL bound (the days from approval to six months
    after) only trims rows; the exact months are picked in Python.
    """
    rows = db.execute(_approved_query(db.get_bind().dialect.name)).all()
    found: dict[int, _Approved] = {}
    for venture_id, reviewed_at, before, month, amount in rows:
        venture = found.get(venture_id)
        if venture is None:
            joined = local_date(reviewed_at) if reviewed_at is not None else None
            before = int(before) if before is not None else None
            venture = found[venture_id] = _Approved(venture_id, joined, before, {})
        if month is not None:
            venture.monthly[date.fromisoformat(f"{month}-01")] = int(amount)
    return list(found.values())


@cache
def _approved_query(dialect: str) -> Select[*tuple[Any, ...]]:
    """Built once per dialect: building it costs more CPU than running it."""
    month = _month_of(dialect, SalesDay.day).label("month")
    after_joining = (
        (SalesDay.venture_id == Venture.id)
        & (SalesDay.day >= _day_of(dialect, Venture.reviewed_at, 0))
        & (SalesDay.day < _day_of(dialect, Venture.reviewed_at, 6))
    )
    before = SalesBeforeJoining.monthly_sales
    return (
        select(Venture.id, Venture.reviewed_at, before, month, func.sum(SalesDay.revenue))
        .outerjoin(SalesBeforeJoining, SalesBeforeJoining.venture_id == Venture.id)
        .outerjoin(SalesDay, after_joining)
        .where(Venture.status == "approved")
        .group_by(Venture.id, Venture.reviewed_at, before, month)
    )


def _day_of(dialect: str, column: Any, months: int) -> ColumnElement[Any]:
    """The UTC date of ``column`` plus a number of calendar months, in SQL (a loose bound:
    a Seoul date is never before the UTC one)."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column + func.make_interval(0, months)), Date)
    return func.date(column, f"+{months} months")


def _month_of(dialect: str, day: Any) -> ColumnElement[str]:
    """A date's month as 'YYYY-MM' text, in SQL."""
    if dialect == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.substr(day, 1, 7)  # SQLite keeps a date as 'YYYY-MM-DD' text


def first_months_sales(db: Session) -> dict[int, int]:
    """Goods sold by each approved venture over its first months so far (for the demo)."""
    return {
        venture.id: sum(venture.monthly.get(m, 0) for m in first_months(venture.joined))
        for venture in _approved(db)
        if venture.joined is not None and venture.monthly
    }


def _jobs(db: Session, first: Quarter, last: Quarter) -> tuple[dict[str, int], int, list[Any]]:
    """Vulnerable-group jobs by group in each approved venture's latest current report, how
    many ventures reported, and the per-quarter (year, quarter, vulnerable, ventures) sums
    from ``first`` to ``last`` (one query)."""
    window = {"first": first.year * 4 + first.number, "last": last.year * 4 + last.number}
    by_group: dict[str, int] = dict.fromkeys(VULNERABLE_GROUPS, 0)
    reported = 0
    per_quarter = []
    for year, quarter, *groups, count in db.execute(_jobs_query(), window):
        if year is None:  # the latest reports
            by_group = {g: int(v) for g, v in zip(VULNERABLE_GROUPS, groups, strict=True)}
            reported = int(count)
        else:
            per_quarter.append((year, quarter, sum(int(v) for v in groups), count))
    return by_group, reported, per_quarter


@cache
def _jobs_query() -> CompoundSelect[*tuple[Any, ...]]:
    """The sums by group of each approved venture's latest current report (a row whose year
    is NULL), then of every current report per quarter from ``:first`` to ``:last`` (quarter
    indexes, year * 4 + quarter), in one UNION ALL. Built once per process."""
    index = ImpactReport.year * 4 + ImpactReport.quarter
    current = (ImpactReport.superseded_at.is_(None), Venture.status == "approved")
    latest = (
        select(ImpactReport.venture_id, func.max(index).label("latest"))
        .join(Venture, Venture.id == ImpactReport.venture_id)
        .where(*current)
        .group_by(ImpactReport.venture_id)
        .subquery()
    )
    groups = [
        func.coalesce(func.sum(getattr(ImpactReport, g)), 0).label(g) for g in VULNERABLE_GROUPS
    ]
    no_year = cast(null(), Integer)
    now = (
        select(no_year.label("year"), no_year.label("quarter"), *groups, func.count())
        .join(Venture, Venture.id == ImpactReport.venture_id)
        .join(
            latest,
            (latest.c.venture_id == ImpactReport.venture_id) & (latest.c.latest == index),
        )
        .where(*current)
    )
    quarters = (
        select(ImpactReport.year, ImpactReport.quarter, *groups, func.count())
        .join(Venture, Venture.id == ImpactReport.venture_id)
        .where(
            *current,
            index >= bindparam("first", type_=Integer),
            index <= bindparam("last", type_=Integer),
        )
        .group_by(ImpactReport.year, ImpactReport.quarter)
    )
    return union_all(now, quarters)


def impact(db: Session, today: date) -> Impact:
    """Every figure of the public impact page, as of ``today`` (a Seoul date)."""
    ventures = _approved(db)
    averages: list[int] = []
    before_total = after_total = change_ventures = in_first_months = 0
    joined_in: dict[date, int] = {}
    undated = 0
    for venture in ventures:
        joined = venture.joined
        if joined is None:
            undated += 1  # approved before approval dates were kept: listed, not measured
            continue
        joined_in[joined.replace(day=1)] = joined_in.get(joined.replace(day=1), 0) + 1
        if not first_months_over(joined, today):
            in_first_months += 1
            continue
        average = monthly_average(sum(venture.monthly.get(m, 0) for m in first_months(joined)))
        averages.append(average)
        if venture.sales_before is not None:
            before_total += venture.sales_before
            after_total += average
            change_ventures += 1

    window = Window.ending(today, "month", CHART_MONTHS)
    listed = undated + sum(n for start, n in joined_in.items() if start < window.starts[0])
    ventures_by_month = []
    for start in window.starts:
        listed += joined_in.get(start, 0)
        ventures_by_month.append((start, listed))

    last = Quarter.of(today)
    first = last.shift(-(CHART_QUARTERS - 1))
    by_group, jobs_ventures, per_quarter = _jobs(db, first, last)
    reported = {Quarter(int(y), int(q)): (int(v), int(n)) for y, q, v, n in per_quarter}
    # The ledger page's totals (one query): the whole ledger's, the payouts, and the months.
    # The window's months with entries are among the latest CHART_MONTHS with entries (none
    # is later than today); twice as many leave room for a clock that ran ahead.
    ledger_totals = ledger.summary(db, ventures=0, months=2 * CHART_MONTHS)
    pledged = ledger_totals.pledged
    by_month = {date.fromisoformat(f"{t.key}-01"): t.through_sales for t in ledger_totals.by_month}
    return Impact(
        ventures_listed=len(ventures),
        first_months_average=mean(averages),
        first_months_ventures=len(averages),
        in_first_months=in_first_months,
        change_bp=change_bp(after_total, before_total) if change_ventures else None,
        change_ventures=change_ventures,
        sales_before_total=before_total,
        sales_after_total=after_total,
        jobs_now=sum(by_group.values()),
        jobs_by_group=by_group,
        jobs_ventures=jobs_ventures,
        donated=pledged.through_sales,
        paid_out=ledger_totals.paid_out,
        gifts=pledged.gift,
        donations_by_month=[(start, by_month.get(start, 0)) for start in window.starts],
        ventures_by_month=ventures_by_month,
        jobs_by_quarter=[
            QuarterJobs(q, *reported.get(q, (0, 0))) for q in quarters_between(first, last)
        ],
    )


# --- what a venture files on the seller page ------------------------------------------------


def joined_quarter(venture: Venture) -> Quarter | None:
    """The quarter (Seoul time) a venture was approved in; None if it is not approved."""
    if venture.status != "approved" or venture.reviewed_at is None:
        return None
    return Quarter.of(local_date(venture.reviewed_at))


def reportable_quarters(venture: Venture, today: date, most: int = 8) -> list[Quarter]:
    """The quarters a venture may report on, newest first: from the one it joined in (at most
    ``most`` back) to the current one."""
    first = joined_quarter(venture)
    if first is None:
        return []
    last = Quarter.of(today)
    return list(reversed(quarters_between(max(first, last.shift(1 - most)), last)))


def file_report(
    db: Session, venture: Venture, user: User, report: JobsReport, note: str, now: datetime
) -> ImpactReport:
    """File a venture's report for a quarter; a report already filed for it is superseded.

    Raises ReportRefused (domain/errors.py). Two filings for the same quarter at once: the
    database's unique index refuses the second (an IntegrityError at flush).
    """
    check_report(report, Quarter.of(local_date(now)), joined_quarter(venture))
    db.execute(
        update(ImpactReport)
        .where(
            ImpactReport.venture_id == venture.id,
            ImpactReport.year == report.quarter.year,
            ImpactReport.quarter == report.quarter.number,
            ImpactReport.superseded_at.is_(None),
        )
        .values(superseded_at=now)
        .execution_options(synchronize_session=False)
    )
    filed = ImpactReport(
        venture_id=venture.id,
        year=report.quarter.year,
        quarter=report.quarter.number,
        total_employees=report.total_employees,
        note=note.strip()[:500],
        submitted_by_id=user.id,
        submitted_at=now,
        **{g: report.by_group.get(g, 0) for g in VULNERABLE_GROUPS},
    )
    db.add(filed)
    db.flush()
    return filed


def current_report(db: Session, venture_id: int, quarter: Quarter) -> ImpactReport | None:
    return db.scalar(
        select(ImpactReport).where(
            ImpactReport.venture_id == venture_id,
            ImpactReport.year == quarter.year,
            ImpactReport.quarter == quarter.number,
            ImpactReport.superseded_at.is_(None),
        )
    )


def reports_of(db: Session, venture_id: int) -> list[tuple[ImpactReport, str | None]]:
    """Every report the venture filed, current and superseded, newest quarter and filing
    first, with the name of who filed it."""
    return [
        (report, name)
        for report, name in db.execute(
            select(ImpactReport, User.name)
            .outerjoin(User, User.id == ImpactReport.submitted_by_id)
            .where(ImpactReport.venture_id == venture_id)
            .order_by(ImpactReport.year.desc(), ImpactReport.quarter.desc(), ImpactReport.id.desc())
        ).all()
    ]


def sales_before(db: Session, venture_id: int) -> SalesBeforeJoining | None:
    return db.get(SalesBeforeJoining, venture_id)


def report_sales_before(
    db: Session, venture: Venture, user: User, monthly_sales: int, now: datetime
) -> SalesBeforeJoining:
    """Record a venture's average monthly sales before joining, once."""
    check_sales_before(monthly_sales)
    if sales_before(db, venture.id) is not None:
        raise AlreadyReported("report.sales_reported")
    reported = SalesBeforeJoining(
        venture_id=venture.id,
        monthly_sales=monthly_sales,
        currency="KRW",
        reported_at=now,
        reported_by_id=user.id,
    )
    db.add(reported)
    db.flush()
    return reported


@dataclass(frozen=True)
class FirstMonths:
    """One venture's first three months, for its own seller page."""

    months: tuple[date, ...]
    over: bool
    monthly_average: int
    change_bp: int | None


def first_months_of(
    db: Session, venture: Venture, before: int | None, today: date
) -> FirstMonths | None:
    """The venture's own first-months figure, computed as for the public page (one query)."""
    if venture.status != "approved" or venture.reviewed_at is None:
        return None
    joined = local_date(venture.reviewed_at)
    months = first_months(joined)
    total = db.scalar(
        select(func.coalesce(func.sum(SalesDay.revenue), 0)).where(
            SalesDay.venture_id == venture.id,
            SalesDay.day >= months[0],
            SalesDay.day < shift(months[-1], "month", 1),
        )
    )
    average = monthly_average(int(total or 0))
    over = first_months_over(joined, today)
    return FirstMonths(
        months, over, average, change_bp(average, before) if over and before is not None else None
    )
