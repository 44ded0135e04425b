from html.parser import HTMLParser

import pytest

from storefront.web.rich_text import render_markdown


def elements(html):
    """Every element the browser would build from ``html``, with its attributes."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_markdown_becomes_simple_html():
    html = render_markdown("**국산** 우리밀\n\n- 초코칩\n- 녹차")
    assert "<strong>국산</strong>" in html and "<li>초코칩</li>" in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "![tracker](https://evil.example/pixel.png)",
        '<a href="https://x" onclick="alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ],
)
def test_no_script_gets_through(hostile):
    tags = elements(str(render_markdown(hostile)))
    assert {tag for tag, _attrs in tags} <= {"p", "a"}
    for _tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").lower().startswith(("javascript:", "data:"))


def test_links_are_kept_but_marked_as_user_content():
    html = render_markdown("[우리 가게](https://shop.example/)")
    assert 'href="https://shop.example/"' in html and "nofollow" in html


def test_a_product_keeps_its_description_rendered_whenever_it_is_set():
    from storefront.models import Product

    product = Product(description="**국산** 우리밀")
    assert product.description_html == "<p><strong>국산</strong> 우리밀</p>\n"
    product.description = "<b>굵게</b> [링크](https://shop.example/)"
    assert "<b>" not in product.description_html
    assert 'href="https://shop.example/"' in product.description_html
