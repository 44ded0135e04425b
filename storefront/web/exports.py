"""Downloads: CSV in UTF-8 with a byte-order mark, so Excel opens Korean text correctly, and
JSON; the long ones streamed a batch of rows at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from flask import Response, current_app, stream_with_context

BOM = "\ufeff"
CHUNK = 1000  # rows per piece of a streamed download


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    response = Response("".join(_csv_pieces(header, rows)).encode("utf-8"), mimetype="text/csv")
    return _csv_headers(response, filename)


def csv_stream(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """``csv_response`` sent as it is written: the same bytes, never all in memory."""
    pieces = (piece.encode("utf-8") for piece in _csv_pieces(header, rows))
    return _csv_headers(Response(stream_with_context(pieces), mimetype="text/csv"), filename)


def _csv_headers(response: Response, filename: str) -> Response:
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_pieces(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    rows = iter(rows)
    while True:
        writer.writerows([_safe(value) for value in row] for row in islice(rows, CHUNK))
        if not buffer.tell():
            return
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def json_stream(
    filename: str, fields: Mapping[str, Any], key: str, items: Iterable[Any]
) -> Response:
    """A JSON object of ``fields`` and, under ``key``, the array of ``items``, sent as it is
    written: the bytes ``jsonify`` would send (keys sorted, compact), never all in memory."""
    dumps = current_app.json.dumps

    def pieces() -> Iterator[str]:
        yield "{"
        for n, name in enumerate(sorted([*fields, key])):
            yield ("," if n else "") + dumps(name) + ":"
            if name != key:
                yield dumps(fields[name], separators=(",", ":"))
                continue
            yield "["
            rows, first = iter(items), True
            while chunk := list(islice(rows, CHUNK)):
                yield ("" if first else ",") + ",".join(
                    dumps(item, separators=(",", ":")) for item in chunk
                )
                first = False
            yield "]"
        yield "}\n"

    response = Response(stream_with_context(pieces()), mimetype=current_app.json.mimetype)  # type: ignore[attr-defined]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _safe(value: Any) -> Any:
    """Keep a spreadsheet from running text as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
