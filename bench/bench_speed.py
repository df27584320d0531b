"""Bench (a): the rules path against bare text extraction, on the same PDFs, in one process; and
the peak memory of one 500-page PDF.

Why: the extractor must stay cheap enough to run over thousands of FOI replies. Three sides read
every page of every corpus PDF that has a text layer, in one process, the order rotating each round:

- pypdfium2 alone: `PdfDocument(path)` and `get_textpage().get_text_range()` for every page;
- pypdf alone: `PdfReader(path)` and `page.extract_text()` for every page;
- ours: `foi_extract.extract(path, engine="rules", ocr="never")`: load (PDFium) + rules + grounding;
- and, to show where ours spends its time, our loader alone: `foi_extract.load.load(path, ocr="never")`.

The budget is ours <= 2.0x pypdfium2 alone. Then a 500-page PDF is generated with fpdf2 (in a
temporary folder, never committed) and extracted in a fresh process whose peak RSS must stay
<= 300 MB.

    python bench/bench_speed.py [--corpus ../shared/corpus] [--repeat 3] [--target 2.0] [--rss-target 300] [--check]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdf  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

import foi_extract  # noqa: E402
from foi_extract.errors import FoiExtractError, NeedsOCR  # noqa: E402
from foi_extract.load import load  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
BIG_PAGES = 500


def select_pdfs(corpus: Path) -> tuple[list[Path], int, list[str]]:
    """PDFs with a text layer (OCR off); returns (pdfs, total pages, skip notes)."""
    pdfs, pages, skipped = [], 0, []
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.suffix.lower() != ".pdf":
            continue
        try:
            doc = load(path, ocr="never")
        except NeedsOCR:
            skipped.append(f"{path.name}: image-only (OCR needed)")
            continue
        except FoiExtractError as exc:
            skipped.append(f"{path.name}: {exc.code} ({exc.cause})")
            continue
        pdfs.append(path)
        pages += len(doc.pages)
    return pdfs, pages, skipped


def run_pdfium(pdfs: list[Path]) -> None:
    for path in pdfs:
        doc = pdfium.PdfDocument(path)
        for page in doc:
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
        doc.close()


def run_pypdf(pdfs: list[Path]) -> None:
    for path in pdfs:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")
        for page in reader.pages:
            page.extract_text()


def run_load(pdfs: list[Path]) -> None:
    for path in pdfs:
        load(path, ocr="never")


def run_ours(pdfs: list[Path]) -> None:
    for path in pdfs:
        foi_extract.extract(path, engine="rules", ocr="never")


def timed(fn: Callable[[list[Path]], None], pdfs: list[Path]) -> tuple[float, float]:
    """(wall, CPU) seconds: CPU time is steadier than wall time on a machine shared with other work."""
    start, cpu = time.perf_counter(), time.process_time()
    fn(pdfs)
    return time.perf_counter() - start, time.process_time() - cpu


def big_pdf(out: Path, pages: int = BIG_PAGES) -> Path:
    """A long reply: the synthetic letters' pages over and over, one PDF page each."""
    from fixtures.render import render_pdf

    texts = sorted((ROOT / "fixtures" / "synthetic").glob("*.txt"))
    chunks = [p for t in texts for p in t.read_text(encoding="utf-8").split("\f") if p.strip()]
    body = "\f".join(chunks[i % len(chunks)][:1400] for i in range(pages))
    return render_pdf(body, out, footer="Big reply")


def peak_rss_mb(path: Path) -> tuple[float, int, float]:
    """(peak RSS in MB, pages, seconds) of extracting `path` in a fresh process."""
    code = (
        "import resource, sys, time; import foi_extract; t = time.perf_counter(); "
        "r = foi_extract.extract(sys.argv[1], engine='rules', ocr='never'); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, r.source.pages, time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=str(ROOT),
    ).stdout.split()
    return int(out[0]) / 1024, int(out[1]), float(out[2])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument(
        "--repeat", "-n", type=int, default=3, help="rounds of each side (median is used)"
    )
    ap.add_argument(
        "--target", type=float, default=2.0, help="max allowed ours/pypdfium2 time ratio"
    )
    ap.add_argument(
        "--rss-target", type=float, default=300.0, help="max peak RSS (MB) on the 500-page PDF"
    )
    ap.add_argument("--no-rss", action="store_true", help="skip the 500-page memory line")
    ap.add_argument("--check", action="store_true", help="exit 1 when a figure misses its target")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2

    pdfs, pages, skipped = select_pdfs(args.corpus)  # also warms imports and the OS file cache
    if not pdfs:
        print(f"no PDFs with a text layer under {args.corpus}", file=sys.stderr)
        return 2
    run_ours(pdfs[:1])  # warm-up: builds the output models once

    sides = {"pypdfium2": run_pdfium, "pypdf": run_pypdf, "load": run_load, "ours": run_ours}
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for i in range(max(1, args.repeat)):
        k = i % len(names)
        for name in names[k:] + names[:k]:  # rotate the order so no side always goes first
            wall, used = timed(sides[name], pdfs)
            times[name].append(wall)
            cpu[name].append(used)
    med = {name: statistics.median(t) for name, t in times.items()}
    med_cpu = {name: statistics.median(t) for name, t in cpu.items()}
    ratio = med["ours"] / med["pypdfium2"]
    ok = ratio <= args.target

    print(f"corpus: {args.corpus}")
    print(f"PDFs: {len(pdfs)} with a text layer, {pages} pages; skipped {len(skipped)}")
    for s in skipped:
        print(f"  skipped {s}")
    print(f"rounds: {max(1, args.repeat)} (rotating order), median shown")
    for name, label in (
        ("pypdfium2", "pypdfium2 text alone"),
        ("pypdf", "pypdf text alone"),
        ("load", "ours: load only"),
        ("ours", "ours (rules path)"),
    ):
        print(
            f"{label:<22} {med[name]:8.3f} s  {1000 * med[name] / pages:6.1f} ms/page  "
            f"(CPU {1000 * med_cpu[name] / pages:5.1f} ms/page)   runs: "
            + ", ".join(f"{t:.3f}" for t in times[name])
        )
    print(
        f"ratio ours/pypdfium2: {ratio:.2f} (CPU {med_cpu['ours'] / med_cpu['pypdfium2']:.2f})  "
        f"target <= {args.target}: {'PASS' if ok else 'FAIL'}"
    )
    print(
        f"ratio ours/pypdf: {med['ours'] / med['pypdf']:.2f}   pypdf/pypdfium2: {med['pypdf'] / med['pypdfium2']:.1f}   "
        f"load/pypdfium2: {med['load'] / med['pypdfium2']:.2f}   "
        f"rules + grounding: {1000 * (med['ours'] - med['load']) / pages:.1f} ms/page"
    )

    rss_ok = True
    if not args.no_rss:
        with tempfile.TemporaryDirectory(prefix="foi-bench-") as tmp:
            big = big_pdf(Path(tmp) / "big.pdf")
            mb, n, secs = peak_rss_mb(big)
        rss_ok = mb <= args.rss_target
        print(
            f"peak RSS, {n}-page PDF (fpdf2, generated): {mb:.0f} MB in {secs:.1f} s  "
            f"target <= {args.rss_target:.0f} MB: {'PASS' if rss_ok else 'FAIL'}"
        )
    return 1 if (args.check and not (ok and rss_ok)) else 0


if __name__ == "__main__":
    sys.exit(main())
