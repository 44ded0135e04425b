"""Make the demo's pictures locally with Pillow: deterministic, no network, no fonts needed."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

CATEGORY_COLOURS = {
    "food": ("#f3d9a4", "#c9772b"),
    "living": ("#dfe8d8", "#5c8a5a"),
    "fashion": ("#e9dcef", "#7a4f94"),
    "stationery": ("#dbe6f3", "#3d6aa8"),
    "beauty": ("#f6dfe3", "#c0566f"),
    "kids": ("#fff0c2", "#e0a800"),
}


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def product_image(path: Path, category: str, accent: str, seed: int, size: int = 480) -> None:
    """Draw a soft still life: a background in the category's colours and a few shapes."""
    rng = random.Random(seed)
    light, dark = CATEGORY_COLOURS.get(category, ("#eeeeee", "#777777"))
    top, bottom = _hex(light), _hex(accent)
    image = Image.new("RGB", (size, size), top)
    draw = ImageDraw.Draw(image)
    for y in range(size):  # vertical gradient from the category colour to a pale accent
        t = y / size * 0.35
        draw.line(
            [(0, y), (size, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(rng.randint(3, 6)):
        r = rng.randint(size // 10, size // 4)
        x, y = rng.randint(r, size - r), rng.randint(r, size - r)
        colour = _hex(rng.choice([dark, accent, "#ffffff"]))
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        else:
            draw.rounded_rectangle(
                [x - r, y - r, x + r, y + r * 2 // 3], radius=r // 4, fill=colour
            )
    draw.rectangle([0, size - 24, size, size], fill=_hex(dark))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=82, optimize=True)


def logo_image(path: Path, colour: str, seed: int, size: int = 160) -> None:
    """Draw a round badge in the venture's colour with a simple mark."""
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse([4, 4, size - 4, size - 4], fill=_hex(colour))
    mark = rng.choice(["leaf", "sun", "house", "heart"])
    c, r = size // 2, size // 4
    if mark == "sun":
        draw.ellipse([c - r, c - r, c + r, c + r], fill="white")
    elif mark == "house":
        draw.polygon([(c - r, c), (c, c - r), (c + r, c)], fill="white")
        draw.rectangle([c - r * 3 // 4, c, c + r * 3 // 4, c + r], fill="white")
    elif mark == "heart":
        draw.ellipse([c - r, c - r // 2, c, c + r // 2], fill="white")
        draw.ellipse([c, c - r // 2, c + r, c + r // 2], fill="white")
        draw.polygon([(c - r, c), (c + r, c), (c, c + r)], fill="white")
    else:
        draw.ellipse([c - r, c - r // 2, c + r, c + r // 2], fill="white")
        draw.line([(c - r, c), (c + r, c)], fill=_hex(colour), width=4)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", optimize=True)
