"""Snapshot the rules engine's output for every document a speed change could affect.

Why: a speed-up must not change what the extractor says. Run this before the change and after
it, into two folders, and diff them: they must be byte-identical.

Documents: every file under the corpus (all formats) and the seed folder, the synthetic letters
(rendered to PDF as the tests render them, or used as they are), each extracted with the rules
engine and `ocr="never"`. One JSON file per document: the loaded page texts and the extraction
(`model_dump(mode="json")`, as `--format json` writes it), or the error a document raises.

    python bench/snapshot_outputs.py OUT_DIR [--corpus ../shared/corpus] [--seed ../shared/seed]
    diff -r BEFORE_DIR AFTER_DIR
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import foi_extract  # noqa: E402
from fixtures.build import build_one, manifest  # noqa: E402
from foi_extract.errors import FoiExtractError  # noqa: E402
from foi_extract.load import load  # noqa: E402

SHARED = ROOT.parent / "shared"


def snapshot(path: Path, rendered: bool = False) -> dict[str, Any]:
    """The loaded pages and the rules extraction of one document, or its error. A `rendered`
    PDF's sha256 is left out: fpdf2 stamps each rendering with its creation time."""
    out: dict[str, Any] = {}
    try:
        out["pages"] = load(path, ocr="never").pages
        result = foi_extract.extract(path, engine="rules", ocr="never")
    except FoiExtractError as exc:
        out["error"] = {"code": exc.code, "cause": exc.cause}
        return out
    data = result.model_dump(mode="json")
    if rendered:
        data["source"]["sha256"] = None
    out["extraction"] = data
    return out


def documents(corpus: Path, seed: Path, synthetic_dir: Path) -> dict[str, Path]:
    """{snapshot name: document path} for the corpus, the seed and the synthetic letters."""
    docs: dict[str, Path] = {}
    for label, folder in (("corpus", corpus), ("seed", seed)):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                docs[f"{label}/{path.relative_to(folder)}"] = path
    for entry in manifest():
        docs[f"synthetic/{entry['file']}"] = build_one(entry, synthetic_dir)
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder for the JSON files (created)")
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    ap.add_argument("--seed", type=Path, default=SHARED / "seed")
    args = ap.parse_args(argv)
    for folder in (args.corpus, args.seed):
        if not folder.is_dir():
            print(f"folder not found: {folder}", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(args.corpus, args.seed, Path(tmp))
        for name, path in docs.items():
            target = args.out / (name.replace("/", "__") + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            rendered = name.startswith("synthetic/") and path.suffix == ".pdf"
            text = json.dumps(
                snapshot(path, rendered), indent=1, ensure_ascii=False, sort_keys=True
            )
            text = text.replace(tmp, "<synthetic>")  # messages name the rendered file's folder
            target.write_text(text + "\n", encoding="utf-8")
    print(f"{len(docs)} documents -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
