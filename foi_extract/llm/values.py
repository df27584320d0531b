"""Leaf-level grounding of typed values: every number and name must be in the quoted reply text.

A quote being real is not enough ("Please refer to Question 3" does not say £5 per year): each
scalar inside the value is checked against its quote; what the quote does not state becomes
null, with the path reported, so a typed value never carries an invented part.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..rules.letter import MONTHS

_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9£$€.]+", " ", text.lower().replace("’", "'")).strip()


def _numbers(quote: str) -> set[float]:
    found = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", quote)}
    found |= {float(v) for w, v in _NUMBER_WORDS.items() if re.search(rf"\b{w}\b", quote, re.I)}
    return found


def supported(leaf: Any, quote: str) -> bool:
    """Is this scalar stated in the quote?"""
    if leaf is None or isinstance(leaf, bool):
        return True  # booleans are judgements about the quote, not quotations
    if isinstance(leaf, (int, float)):
        return float(leaf) in _numbers(quote)
    if isinstance(leaf, date):
        q = quote.lower()
        return str(leaf.year) in q and (
            str(leaf.day) in q or MONTHS[leaf.month - 1][:3] in q or f"{leaf.month:02d}" in q
        )
    text = _norm(str(leaf))
    if not text:
        return True
    hay = _norm(quote)
    if text in hay:
        return True
    words = [w for w in text.split() if len(w) > 2]
    return bool(words) and all(w in hay.split() or w in hay for w in words)


def ground_value(value: Any, quote: str, path: str = "value") -> tuple[Any, list[str]]:
    """(value with unsupported scalars set to None, the paths that were dropped)."""
    dropped: list[str] = []
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "currency" and v is not None and "amount" in value:
                out[k] = v if (value.get("amount") is not None and _currency_in(v, quote)) else None
                if out[k] is None and v is not None:
                    dropped.append(f"{path}.{k}")
                continue
            out[k], sub = ground_value(v, quote, f"{path}.{k}")
            dropped += sub
        return (out if any(x not in (None, [], {}) for x in out.values()) else None), dropped
    if isinstance(value, list):
        items = []
        for i, v in enumerate(value):
            g, sub = ground_value(v, quote, f"{path}[{i}]")
            dropped += sub
            if g not in (None, {}, []):
                items.append(g)
        return items, dropped
    if supported(value, quote):
        return value, dropped
    return None, [path]


def _currency_in(code: str, quote: str) -> bool:
    symbols = {
        "GBP": ("£", "gbp", "pound"),
        "USD": ("$", "usd", "dollar"),
        "EUR": ("€", "eur", "euro"),
    }
    return any(s in quote.lower() for s in symbols.get(code.upper(), (code.lower(),)))
