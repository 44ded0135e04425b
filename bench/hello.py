"""The hello-world Flask app bench/http_pages.py measures beside the shop, under the same gunicorn
settings: the ceiling a page's requests per second are compared with."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
