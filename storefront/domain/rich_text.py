"""Markdown that ventures write, turned into the small safe HTML the shop publishes.

Plain Python (markdown-it and nh3, no Flask): the HTML is rendered once, when a description
is saved (``models.Product``), and stored beside the Markdown, so a page view only copies it.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "pre", "a", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def markdown_to_html(text: str | None) -> str:
    """Render Markdown to HTML and keep only a small safe set of tags and http(s) links."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )
