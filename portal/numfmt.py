"""Numbers as text, exactly as published: one formatter for pages, CSV, checks and charts.

``f"{x:g}"`` keeps six significant digits (12345.678 → 12345.7, 9999999.99 → 1e+07) and
rounding to two decimals turns a fee of 0.004 万元 into "0": both change official figures.
"""

from __future__ import annotations

from decimal import Decimal


def format_number(value: float | int) -> str:
    """34240 → "34240"; 745.94 → "745.94"; 0.004 → "0.004"; 1234567.5 → "1234567.5".

    No thousands separators: the official forms print none, and readers compare with the source.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    # Six decimals hold every published figure (0.000001 万元 is one fen) and drop the float noise
    # of sums such as 0.1 + 0.2.
    text = format(Decimal(repr(round(value, 6))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def bounded(text: str, bound: str) -> str:
    """How the source qualified a number: "16500余" (a lower bound), "约300" (approximate)."""
    if bound == "at_least":  # tests, not a mapping built a call: pages qualify ~40 figures a report
        return f"{text}余"
    return f"约{text}" if bound == "approx" else text
