"""The public impact report, computed from the shop's own data, and the reports ventures file.

The public figures take six SQL statements however many ventures, orders and reports there
are. Each figure's definition and rounding is in docs/impact.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, select, update
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
    LedgerSum,
    SalesBeforeJoining,
    SalesDay,
    User,
    Venture,
)
from storefront.services import ledger, payouts

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


def _first_months_sales(db: Session) -> dict[int, dict[date, int]]:
    """Goods sold per approved venture and Seoul month, in the months just after joining.

    Sales are counted as on the seller's numbers page (the running totals of sales.py). The
    SQL bound (the days from approval to six months after) only trims rows; the exact months
    are picked in Python.
    """
    rows = db.execute(
        select(SalesDay.venture_id, SalesDay.day, SalesDay.revenue)
        .join(Venture, Venture.id == SalesDay.venture_id)
        .where(
            Venture.status == "approved",
            Venture.reviewed_at.is_not(None),
            SalesDay.day >= _day_of(db, Venture.reviewed_at, 0),
            SalesDay.day < _day_of(db, Venture.reviewed_at, 6),
        )
    ).all()
    sales: dict[int, dict[date, int]] = {}
    for venture_id, day, amount in rows:
        month = date.fromisoformat(str(day)[:10]).replace(day=1)
        monthly = sales.setdefault(int(venture_id), {})
        monthly[month] = monthly.get(month, 0) + int(amount)
    return sales


def _day_of(db: Session, column: Any, months: int) -> ColumnElement[Any]:
    """The UTC date of ``column`` plus a number of calendar months, in SQL (a loose bound:
    a Seoul date is never before the UTC one)."""
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column + func.make_interval(0, months)), Date)
    return func.date(column, f"+{months} months")


def first_months_sales(db: Session) -> dict[int, int]:
    """Goods sold by each approved venture over its first months so far (for the demo)."""
    rows = db.execute(
        select(Venture.id, Venture.reviewed_at).where(Venture.status == "approved")
    ).all()
    joined = {venture_id: local_date(when) for venture_id, when in rows if when is not None}
    return {
        venture_id: sum(monthly.get(m, 0) for m in first_months(joined[venture_id]))
        for venture_id, monthly in _first_months_sales(db).items()
        if venture_id in joined
    }


def _jobs(db: Session, first: Quarter, last: Quarter) -> tuple[dict[str, int], int, list[Any]]:
    """Vulnerable-group jobs by group in each approved venture's latest current report, how
    many ventures reported, and the per-quarter sums from ``first`` to ``last``."""
    index = ImpactReport.year * 4 + ImpactReport.quarter
    current = (ImpactReport.superseded_at.is_(None), Venture.status == "approved")
    latest = (
        select(ImpactReport.venture_id, func.max(index).label("latest"))
        .join(Venture, Venture.id == ImpactReport.venture_id)
        .where(*current)
        .group_by(ImpactReport.venture_id)
        .subquery()
    )
    groups = [func.coalesce(func.sum(getattr(ImpactReport, g)), 0) for g in VULNERABLE_GROUPS]
    row = db.execute(
        select(*groups, func.count())
        .join(Venture, Venture.id == ImpactReport.venture_id)
        .join(
            latest,
            (latest.c.venture_id == ImpactReport.venture_id) & (latest.c.latest == index),
        )
        .where(*current)
    ).one()
    vulnerable = sum(getattr(ImpactReport, g) for g in VULNERABLE_GROUPS)
    per_quarter = db.execute(
        select(ImpactReport.year, ImpactReport.quarter, func.sum(vulnerable), func.count())
        .join(Venture, Venture.id == ImpactReport.venture_id)
        .where(
            *current, index >= first.year * 4 + first.number, index <= last.year * 4 + last.number
        )
        .group_by(ImpactReport.year, ImpactReport.quarter)
    ).all()
    by_group = {g: int(v) for g, v in zip(VULNERABLE_GROUPS, row[:-1], strict=True)}
    return by_group, int(row[-1]), list(per_quarter)


def _donations_by_month(db: Session, window: Window) -> list[tuple[date, int]]:
    """Net donations and matches per Seoul month, from the ledger's running totals (shoppers'
    own gifts are not giving through the ventures' sales and are left out)."""
    months = [start.strftime("%Y-%m") for start in window.starts]
    rows = db.execute(
        select(LedgerSum.month, func.sum(LedgerSum.amount))
        .where(
            LedgerSum.month >= months[0],
            LedgerSum.month <= months[-1],
            LedgerSum.kind.in_(ledger.THROUGH_SALES),
        )
        .group_by(LedgerSum.month)
    ).all()
    found = {date.fromisoformat(f"{m}-01"): int(a) for m, a in rows}
    return [(start, found.get(start, 0)) for start in window.starts]


def impact(db: Session, today: date) -> Impact:
    """Every figure of the public impact page, as of ``today`` (a Seoul date)."""
    ventures = db.execute(
        select(Venture.id, Venture.reviewed_at, SalesBeforeJoining.monthly_sales)
        .outerjoin(SalesBeforeJoining, SalesBeforeJoining.venture_id == Venture.id)
        .where(Venture.status == "approved")
    ).all()
    sales = _first_months_sales(db)
    averages: list[int] = []
    before_total = after_total = change_ventures = in_first_months = 0
    joined_in: dict[date, int] = {}
    undated = 0
    for venture_id, reviewed_at, before in ventures:
        if reviewed_at is None:
            undated += 1  # approved before approval dates were kept: listed, not measured
            continue
        joined = local_date(reviewed_at)
        joined_in[joined.replace(day=1)] = joined_in.get(joined.replace(day=1), 0) + 1
        if not first_months_over(joined, today):
            in_first_months += 1
            continue
        monthly = sales.get(venture_id, {})
        average = monthly_average(sum(monthly.get(m, 0) for m in first_months(joined)))
        averages.append(average)
        if before is not None:
            before_total += int(before)
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
    pledged = ledger.pledged_totals(db)
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
        paid_out=payouts.total_paid_out(db),
        gifts=pledged.gift,
        donations_by_month=_donations_by_month(db, window),
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
