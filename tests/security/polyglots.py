"""Files that pass as images yet are also a web page or a script (the attack run's finding 1).

``script_gif()`` is a real GIF whose width bytes open a JavaScript comment (``GIF89a/*``) and whose
tail closes it, so served as ``text/javascript`` it runs ``window.__pwned``. ``page_gif(src)`` is a
real GIF followed by ``<script src=…>``: served as ``text/html`` it loads that script.
"""

from __future__ import annotations

import io

from PIL import Image

MARK = "__pwned"


def _gif(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("P", size, 0).save(buffer, format="GIF")
    return buffer.getvalue()


def script_gif() -> bytes:
    width = int.from_bytes(b"/*", "little")  # 10799 pixels: the header reads GIF89a/*
    data = _gif((width, 2))
    assert data[6:8] == b"/*" and b"*/" not in data[8:]
    return data + b"*/=1;window." + MARK.encode() + b"=1;document.title='" + MARK.encode() + b"';"


def page_gif(script_src: str) -> bytes:
    return _gif((2, 2)) + f'<html><body><script src="{script_src}"></script>page</body></html>'.encode()


def bomb_png(side: int = 12_000) -> bytes:
    """A small PNG of ``side``² pixels (144 megapixels at the default): a few hundred KB of zeros."""
    buffer = io.BytesIO()
    Image.new("1", (side, side), 0).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
