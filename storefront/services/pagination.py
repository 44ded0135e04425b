"""One page of a query's results by keyset, so the cost of a page does not grow with the data.

A page is asked for by where it starts, not by its number: ``after`` is the cursor of the last
row of the page before it (the next page), ``before`` the cursor of the first row of the page
after it (the previous page). A cursor carries the values of the ordering's keys for that row,
so the database seeks to it through an index instead of counting its way past every row before
it (``OFFSET``). The ordering's last key must be unique (the id) so that every row has one place.

Pages never count the whole result: ``count_up_to`` counts at most that many rows plus one,
and the page says "more than N" beyond it. Old links by page number (``?page=N``) still work
for the first ``MAX_OFFSET`` rows; a page number past that shows the first page.
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, reduce
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")

MAX_OFFSET = 1000  # rows an old ``?page=N`` link may skip; deeper ones show the first page


@dataclass(frozen=True)
class PageRequest:
    """Where a page starts, as the shopper's link said: a cursor either way, or an old page
    number. An empty request is the first page."""

    after: str = ""
    before: str = ""
    page: int = 1


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    per_page: int
    next_cursor: str = ""  # after= for the next page; empty on the last page
    prev_cursor: str = ""  # before= for the previous page; empty on the first page
    count: int | None = None  # rows in the whole result, up to count_up_to (None: not counted)
    count_capped: bool = False  # True when there are more than ``count`` rows

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)

    @property
    def has_prev(self) -> bool:
        return bool(self.prev_cursor)


def _key(expression: Any) -> tuple[ColumnElement[Any], bool]:
    """The expression an ordering sorts by, and whether it sorts descending."""
    if isinstance(expression, UnaryExpression) and expression.modifier in (
        operators.desc_op,
        operators.asc_op,
    ):
        return expression.element, expression.modifier is operators.desc_op
    return expression, False


def encode_cursor(values: Sequence[Any]) -> str:
    """The cursor of a row whose ordering keys have these values (for ``after=``/``before=``)."""
    plain = [["dt", v.isoformat()] if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _python_type(sql_type: Any) -> type:
    """What Python type a column hands back (a decorated type's underlying one), or object."""
    if isinstance(sql_type, TypeDecorator):
        sql_type = sql_type.impl_instance
    try:
        return sql_type.python_type
    except NotImplementedError:
        return object


def _decode(cursor: str, keys: list[tuple[ColumnElement[Any], bool]]) -> list[Any] | None:
    """The key values a cursor carries, checked against the keys' types; None if it is not one
    of ours (a hand-edited link shows the first page rather than an error)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(plain, list) or len(plain) != len(keys):
        return None
    values = []
    for value, (element, _desc) in zip(plain, keys, strict=True):
        expected = _python_type(element.type)
        if isinstance(value, list):
            if len(value) != 2 or value[0] != "dt" or not isinstance(value[1], str):
                return None
            try:
                value = datetime.fromisoformat(value[1])
            except ValueError:
                return None
            if value.tzinfo is None:
                return None
        if value is None or isinstance(value, bool):
            return None
        if type(value) is int and not -(2**63) <= value < 2**63:
            return None  # no key column holds it (and SQLite would overflow)
        if expected is float and isinstance(value, int):
            value = float(value)
        if expected is not object and not isinstance(value, expected):
            return None
        values.append(value)
    return values


def _beyond(keys: list[tuple[ColumnElement[Any], bool]], values: list[Any]) -> Any:
    """Rows that come after ``values`` in the ordering ``keys``: one row comparison when every
    key runs the same way (which an index on the keys answers with a seek), else the expansion
    a < x OR (a = x AND b > y) ..."""
    bound = [literal(v, element.type) for v, (element, _d) in zip(values, keys, strict=True)]
    directions = {desc for _e, desc in keys}
    if len(directions) == 1:
        left, right = tuple_(*(e for e, _d in keys)), tuple_(*bound)
        return left < right if directions == {True} else left > right
    clauses = []
    for i, (element, desc) in enumerate(keys):
        equal = [keys[j][0] == bound[j] for j in range(i)]
        clauses.append(and_(*equal, element < bound[i] if desc else element > bound[i]))
    return or_(false(), *clauses)


def paginate(
    db: Session,
    stmt: Select[*tuple[Any, ...]],
    order_by: Sequence[Any],
    request: PageRequest,
    per_page: int,
    count_up_to: int = 0,
    counted: tuple[int, bool] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """Fetch the page ``request`` asks for in ``order_by`` (whose last key is unique), with one
    query; with ``count_up_to``, the same query counts the result up to that many rows, in a
    subquery (unless ``counted`` brings that count). ``params`` are the statement's bound
    parameters' values.

    Items are the statement's entity when it selects one, else a tuple of its columns.

    A caller whose statement and ordering are built once per process (``functools.cache``,
    their variable parts bound parameters) passes ``params``: the first page's statement is
    then built once as well, and so is its cache key, which SQLAlchemy keeps on the statement.
    """
    keys = [_key(o) for o in order_by]
    width = len(stmt.column_descriptions)
    inline_count = count_up_to if counted is None else 0
    after = _decode(request.after, keys) if request.after else None
    before = _decode(request.before, keys) if request.before and after is None else None
    if after is None and before is None:
        offset = (request.page - 1) * per_page if request.page > 1 else 0
        offset = 0 if offset > MAX_OFFSET else offset
        # built once when the caller's statement is (its values come as params)
        first_page = _first_page if params is not None else _first_page.__wrapped__
        keyed = first_page(stmt, tuple(order_by), inline_count, offset, per_page)
        rows: list[Any] = list(db.execute(keyed, params))
        return _page(
            db, stmt, rows, width, per_page, False, offset > 0, count_up_to, counted, params
        )
    keyed = _keyed(stmt, order_by, inline_count)
    backwards = before is not None
    if after is not None:
        keyed = keyed.where(_beyond(keys, after)).order_by(*order_by)
    elif before is not None:
        flipped = [(e, not d) for e, d in keys]
        keyed = keyed.where(_beyond(flipped, before))
        keyed = keyed.order_by(*(e.asc() if d else e.desc() for e, d in keys))
    rows = list(db.execute(keyed.limit(per_page + 1), params))
    start = after is not None
    return _page(db, stmt, rows, width, per_page, backwards, start, count_up_to, counted, params)


def _keyed(stmt: Select[Any], order_by: Sequence[Any], inline_count: int) -> Select[Any]:
    """``stmt`` with the ordering's keys as its last columns (the cursors are made of them),
    then, with ``inline_count``, the count of its rows up to that many."""
    keys = [_key(o) for o in order_by]
    keyed = stmt.add_columns(*(e.label(f"page_key_{i}") for i, (e, _d) in enumerate(keys)))
    if inline_count:
        # The count rides along as a last column, evaluated once (it is not correlated): one
        # statement instead of two. An empty page brings no row, and so counts on its own.
        keyed = keyed.add_columns(_count_of(stmt, inline_count).label("page_count"))
    return keyed


@lru_cache(maxsize=256)
def _first_page(
    stmt: Select[Any], order_by: tuple[Any, ...], inline_count: int, offset: int, per_page: int
) -> Select[Any]:
    """The statement of a page that starts at ``offset``, for statements built once per
    process (a few hundred: every sort of every category, say)."""
    keyed = _keyed(stmt, order_by, inline_count).order_by(*order_by)
    keyed = keyed.offset(offset) if offset else keyed
    return keyed.limit(per_page + 1)


def _page(
    db: Session,
    stmt: Select[Any],
    rows: list[Any],
    width: int,
    per_page: int,
    backwards: bool,
    after_start: bool,
    count_up_to: int,
    counted: tuple[int, bool] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """Make a page of up to ``per_page + 1`` rows (``width`` columns, then the ordering's keys)
    fetched in the page's direction; with ``count_up_to``, count ``stmt`` up to that many
    (unless ``counted`` already says how many, and whether there are more, or the first page
    holds every row: a product's few questions, a search with few matches).

    Asked to count with no ``counted``, the rows end with the inline count (``_keyed``): a
    page of ``paginate`` whose count rode along. ``paginate_tiers`` counts first."""
    if count_up_to and counted is None and rows:
        found = rows[0][-1]
        counted = (min(found, count_up_to), found > count_up_to)
        rows = [row[:-1] for row in rows]
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    items = [row[0] if width == 1 else tuple(row[:width]) for row in rows]
    first = encode_cursor(rows[0][width:]) if rows else ""
    last = encode_cursor(rows[-1][width:]) if rows else ""
    if backwards:
        next_cursor, prev_cursor = last, first if more else ""
    else:
        next_cursor = last if more else ""
        prev_cursor = first if after_start and rows else ""
    count: int | None = None
    capped = False
    if counted is not None:
        count, capped = counted
    elif count_up_to and not (after_start or backwards or more) and len(rows) <= count_up_to:
        count = len(rows)  # the first page holds the whole result: nothing more to count
    elif count_up_to:
        count, capped = _count(db, stmt, count_up_to, params=params)
    return Page(items, per_page, next_cursor, prev_cursor, count, capped)


def _count_of(stmt: Select[Any], up_to: int) -> Any:
    """How many rows ``stmt`` gives, up to ``up_to + 1`` (a scalar subquery)."""
    bounded = stmt.order_by(None).limit(up_to + 1).subquery()
    return select(func.count()).select_from(bounded).scalar_subquery()


def _count(
    db: Session,
    stmt: Select[Any],
    up_to: int,
    part: Select[Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> tuple[int, bool]:
    """How many rows ``stmt`` gives, up to ``up_to``, and whether it gives more.

    ``part``, some of the same rows that are cheaper to count, answers alone when it already
    gives more than ``up_to`` (the rest is then not counted at all)."""
    build = _count_statement if params is None else _count_statement_once
    found = db.scalar(build(stmt, up_to, part), params) or 0
    return min(found, up_to), found > up_to


def _count_statement(stmt: Select[Any], up_to: int, part: Select[Any] | None) -> Select[Any]:
    """The statement ``_count`` runs."""
    counted = _count_of(stmt, up_to)
    if part is not None:
        counted = case((_count_of(part, up_to) > up_to, up_to + 1), else_=counted)
    return select(counted)


# The same, built once for statements built once per process (their values come as params).
_count_statement_once = lru_cache(maxsize=256)(_count_statement)


SORT_UP_TO = 200  # a tiered result this small is sorted whole rather than read tier by tier


def paginate_tiers(
    db: Session,
    stmt: Select[*tuple[Any, ...]],
    tiers: Sequence[ColumnElement[bool]],
    key: Any,  # a unique integer column: the id
    request: PageRequest,
    per_page: int,
    count_stmt: Select[Any] | None = None,
    count_up_to: int = 0,
    count_part: Select[Any] | None = None,
    rows_stmt: Select[Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """Fetch a page of ``stmt``'s rows that meet one of ``tiers``, ranked by tier, then by
    ``key`` descending, with one query; with ``count_up_to``, one more counts ``count_stmt``
    (the same rows) as ``paginate`` does, from ``count_part`` alone when that part of them is
    already more than ``count_up_to``. A cursor is ``(tier, key)``. ``rows_stmt`` (by default
    ``stmt``) reads the page's rows by key once the tiers have picked them: it need not join
    what only the tiers test. ``params`` are the statements' bound parameters' values (a
    caller whose statements are built once passes them, as to ``paginate``).

    A result of at most ``SORT_UP_TO`` rows (the count, taken first, says so) is simply sorted
    by tier: the smaller statement costs less to plan than it could save. Otherwise each tier
    is read on its own, in key order, and stops after a page's worth of rows: the database walks
    a dense tier in key order (a page is found early) and reads a sparse one through its own
    index, so a page costs about a page whatever the number of matches. A tier is not read at
    all when the tiers before it filled the page (each waits behind a one-time test of how many
    rows the tiers before it gave).
    """
    keys: list[tuple[ColumnElement[Any], bool]] = [(literal(0), False), (key, True)]
    width = len(stmt.column_descriptions)
    after = _decode(request.after, keys) if request.after else None
    before = _decode(request.before, keys) if request.before and after is None else None
    if (after or before or [0])[0] not in range(len(tiers)):  # not one of ours: first page
        after = before = None
        request = PageRequest(page=request.page)
    counted_stmt = stmt if count_stmt is None else count_stmt
    counted = _count(db, counted_stmt, count_up_to, count_part, params) if count_up_to else None
    if counted == (0, False):  # nothing matches: no page to read (a miss costs one query)
        return Page([], per_page, count=0)
    if counted is not None and counted[0] <= SORT_UP_TO and not counted[1]:
        by_tier = _by_tier(tuple(tiers), key)
        return paginate(db, counted_stmt, by_tier, request, per_page, count_up_to, counted, params)
    backwards = before is not None
    offset = 0
    if after is None and before is None and request.page > 1:
        offset = (request.page - 1) * per_page
        offset = 0 if offset > MAX_OFFSET else offset
    start = after or before
    if start is None and params is not None:
        page_stmt = _first_tiered_page(stmt, tuple(tiers), key, offset, per_page, rows_stmt)
    else:
        page_stmt = _tiered_page(stmt, tiers, key, start, backwards, offset, per_page, rows_stmt)
    rows = list(db.execute(page_stmt, params))
    start_ = after is not None or offset > 0
    return _page(
        db, counted_stmt, rows, width, per_page, backwards, start_, count_up_to, counted, params
    )


def _tiered_page(
    stmt: Select[Any],
    tiers: Sequence[ColumnElement[bool]],
    key: Any,
    start: list[Any] | None,
    backwards: bool,
    offset: int,
    per_page: int,
    rows_stmt: Select[Any] | None,
) -> Select[Any]:
    """The statement of ``paginate_tiers``'s page that starts at the cursor ``start`` (or at
    ``offset``), a tier at a time."""
    wanted = offset + per_page + 1
    order: list[int] = list(range(len(tiers)))
    if start is not None:
        order = list(range(start[0], -1, -1)) if backwards else list(range(start[0], len(tiers)))
    parts: list[Any] = []
    for tier in order:
        branch = stmt.with_only_columns(key.label("id"), literal(tier).label("tier"))
        branch = branch.where(tiers[tier])
        if start is not None and tier == start[0]:
            branch = branch.where(key > start[1] if backwards else key < start[1])
        if parts:  # read only when the tiers before it fell short of a page
            counts = [select(func.count()).select_from(p).scalar_subquery() for p in parts]
            branch = branch.where(reduce(operator.add, counts) < wanted)
        branch = branch.order_by(key.asc() if backwards else key.desc()).limit(wanted)
        parts.append(branch.cte(f"tier_{tier}"))
    ranked = union_all(*(select(p.c.id, p.c.tier) for p in parts)).subquery("ranked")
    page_order = (
        (ranked.c.tier.desc(), key.asc()) if backwards else (ranked.c.tier.asc(), key.desc())
    )
    return (
        (stmt if rows_stmt is None else rows_stmt)
        .join(ranked, ranked.c.id == key)
        .add_columns(ranked.c.tier.label("page_key_0"), key.label("page_key_1"))
        .order_by(*page_order)
        .offset(offset or None)
        .limit(per_page + 1)
    )


@lru_cache(maxsize=256)
def _first_tiered_page(
    stmt: Select[Any],
    tiers: tuple[ColumnElement[bool], ...],
    key: Any,
    offset: int,
    per_page: int,
    rows_stmt: Select[Any] | None,
) -> Select[Any]:
    """``_tiered_page`` from ``offset``, for statements built once per process."""
    return _tiered_page(stmt, tiers, key, None, False, offset, per_page, rows_stmt)


@lru_cache(maxsize=256)
def _by_tier(tiers: tuple[ColumnElement[bool], ...], key: Any) -> tuple[Any, ...]:
    """The ordering by tier, then by ``key`` descending (built once for tiers built once)."""
    tier_of = case(*((condition, tier) for tier, condition in enumerate(tiers)))
    return (tier_of.asc(), key.desc())
