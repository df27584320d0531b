"""What a batch costs: the price table, each document's cost, and the dry run's estimate.

Cost comes from token counts (`engine.usage`, every attempt included, failed ones too) times
the price table `foi_extract/data/prices.yaml`, which `--prices FILE` or FOI_EXTRACT_PRICES
overrides; requests sent through the Batch API (`run --batch`) cost the table's `batch` fraction
of those prices. The dry run's estimate builds the same chunks and prompts the LLM engine would send,
without sending them, and counts their tokens the way the engine does (`llm.chunking.tokens`);
completion tokens are a rough allowance per question.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, FoiExtractError
from .items import Item

if TYPE_CHECKING:
    from ..questionset import QuestionSet

PRICES = Path(__file__).resolve().parents[1] / "data" / "prices.yaml"
COMPLETION_PER_QUESTION = 60  # status, a quote and grounds; a typed value adds its own
COMPLETION_PER_VALUE = 80


def load_prices(path: str | None = None, env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The packaged table with an override file's models laid over it."""
    import yaml

    table: dict[str, Any] = yaml.safe_load(PRICES.read_text(encoding="utf-8"))  # ours: a mapping
    override = path or env.get("FOI_EXTRACT_PRICES")
    if override:
        try:
            extra = yaml.safe_load(Path(override).read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"{override}: price table not found") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{override}: not valid YAML ({str(exc).splitlines()[0]})") from None
        if not isinstance(extra, dict) or not isinstance(extra.get("models", {}), dict):
            raise ConfigError(f"{override}: expected a mapping with a 'models' mapping")
        table["models"] = {**table["models"], **(extra.get("models") or {})}
        for key in ("per", "batch"):
            if key in extra:
                table[key] = extra[key]
    batch = table.get("batch", 1.0)
    if isinstance(batch, bool) or not isinstance(batch, int | float) or not 0 <= batch <= 1:
        raise ConfigError(f"price table: 'batch' must be a fraction from 0 to 1, not {batch!r}")
    for name, p in table["models"].items():
        if not isinstance(p, dict) or "input" not in p or "output" not in p:
            raise ConfigError(f"price table: model {name!r} needs 'input' and 'output' prices")
    return table


def price_for(
    model: str | None, table: dict[str, Any], *, batch: bool = False
) -> dict[str, float] | None:
    """The model's prices (exact name, else the longest prefix); `batch`: at the Batch API's rate."""
    if not model:
        return None
    models: dict[str, dict[str, float]] = table["models"]  # load_prices checked its shape
    prefixes = [m for m in models if model.startswith(m)]
    if model in models:
        price = models[model]
    elif prefixes:
        price = models[max(prefixes, key=len)]
    else:
        return None
    if not batch:
        return price
    factor = float(table.get("batch", 1.0))
    return {k: v * factor for k, v in price.items()}


def cost_of(
    usage: Mapping[str, int] | None, price: Mapping[str, float] | None, per: float = 1_000_000
) -> float | None:
    """USD for one document's usage; 0 when nothing was sent, None when the price is unknown."""
    if not usage or not (usage.get("prompt_tokens") or usage.get("completion_tokens")):
        return 0.0
    if price is None:
        return None
    prompt = usage.get("prompt_tokens", 0)
    cached = min(usage.get("cached_tokens", 0), prompt)
    total = (
        (prompt - cached) * price["input"]
        + cached * price.get("cached_input", price["input"])
        + usage.get("completion_tokens", 0) * price["output"]
    ) / per
    return round(total, 6)


def estimate_request(body: Mapping[str, Any]) -> dict[str, int]:
    """Tokens one chat request would take, counted as the dry run counts them: the text of its
    messages and the rest of the body (the answer's schema), and the completion allowance for each
    question the schema asks about."""
    from ..llm.chunking import tokens

    messages = body.get("messages") or []
    text = "".join(str(m.get("content") or "") for m in messages if isinstance(m, dict))
    rest = json.dumps({k: v for k, v in body.items() if k != "messages"}, sort_keys=True)
    fmt = body.get("response_format")
    schema = ((fmt.get("json_schema") or {}).get("schema") or {}) if isinstance(fmt, dict) else {}
    defs = schema.get("$defs") or {}
    completion = 0
    for prop in (schema.get("properties") or {}).values():
        ref = str(prop.get("$ref", "")) if isinstance(prop, dict) else ""
        finding = defs.get(ref.rsplit("/", 1)[-1], {}) if ref else prop
        typed = isinstance(finding, dict) and "value" in (finding.get("properties") or {})
        completion += COMPLETION_PER_QUESTION + (COMPLETION_PER_VALUE if typed else 0)
    return {
        "prompt_tokens": tokens(text) + tokens(rest),
        "completion_tokens": completion or COMPLETION_PER_QUESTION,
    }


def estimate_item(item: Item, qset: QuestionSet | None, cfg: Any) -> dict[str, Any]:
    """Pages, and for an LLM engine the requests and tokens one document would take."""
    from .worker import load_item

    out: dict[str, Any] = {
        "path": item.path,
        "pages": 0,
        "requests": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
    }
    try:
        doc = load_item(item)
        out["pages"] = len(doc.pages)
        if cfg is not None:
            out.update(_llm_estimate(doc, qset, cfg))
    except FoiExtractError as exc:
        out.update(failed=True, exit_code=exc.exit_code, message=exc.cause)
    except Exception as exc:
        out.update(failed=True, exit_code=1, message=f"{type(exc).__name__}: {exc}")
    return out


def _llm_estimate(doc: Any, qset: QuestionSet | None, cfg: Any) -> dict[str, int]:
    """The requests the engine would send (llm/plan.py: same scope, chunks and text), priced."""
    from ..engines.rules import RulesEngine
    from ..llm.chunking import tokens
    from ..llm.plan import make_plan
    from ..llm.prompts import load_prompts

    prompts = load_prompts()
    plan = make_plan(doc, RulesEngine().run(doc, qset), qset, cfg, prompts)
    requests = prompt = completion = 0
    for chunk in plan.chunks:
        ids, messages, model = plan.request(chunk, prompts)
        if not ids:
            continue
        requests += 1
        prompt += sum(tokens(str(m["content"])) for m in messages)
        prompt += tokens(json.dumps(model.model_json_schema()))
        completion += sum(
            COMPLETION_PER_QUESTION + (COMPLETION_PER_VALUE if plan.asked[i][1] is not None else 0)
            for i in ids
        )
    return {"requests": requests, "prompt_tokens": prompt, "completion_tokens": completion}
