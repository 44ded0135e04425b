"""Markdown that ventures write, rendered safely: no raw HTML, no scripts, no foreign images.

The rules live in ``domain.rich_text``; product descriptions are rendered when saved and
stored (``Product.description_html``). This filter is for Markdown not stored that way.
"""

from __future__ import annotations

from markupsafe import Markup

from storefront.domain.rich_text import markdown_to_html


def render_markdown(text: str | None) -> Markup:
    """Render Markdown to HTML and keep only a small safe set of tags and http(s) links."""
    return Markup(markdown_to_html(text))  # noqa: S704 - sanitised by nh3 in markdown_to_html


def stored_html(html: str | None) -> Markup:
    """HTML rendered by ``markdown_to_html`` when it was saved: already sanitised."""
    return Markup(html or "")  # noqa: S704 - written only by markdown_to_html
