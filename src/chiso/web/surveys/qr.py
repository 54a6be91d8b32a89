"""QR codes of survey links (segno): SVG for printing on a receipt, PNG for anything else."""

from __future__ import annotations

import io

import segno

# Medium error correction survives a crease or a smudge on a paper receipt.
ERROR = "m"


def qr_svg(url: str, *, scale: int = 4) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error=ERROR).save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=url
    )
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 6) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error=ERROR).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
