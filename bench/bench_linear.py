"""Is every stage linear in the input? Time load and the whole pipeline on growing texts.

    .venv/bin/python bench/bench_linear.py              # 1, 2 and 4 MB, then a 30 MB load
    .venv/bin/python bench/bench_linear.py --sizes 1 4 16 --load-mb 30

The text is the seed letter repeated (../shared/seed, else a built-in letter), plus a block of
URLs and email addresses, since reference dedup was once quadratic. For each size it prints the
seconds for load, for extract (load + rules + grounding) and for --redact-personal's masking of the
loaded pages, and seconds per MB; a stage is
linear when seconds per MB stays flat as the size doubles. The last line loads a 30 MB text,
HTML page and email attachment (loading only: the rules engine on 30 MB takes longer than the
default 120 s time budget, which is the documented exit 17).
"""

from __future__ import annotations

import argparse
import email.message
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foi_extract.load import load  # noqa: E402
from foi_extract.pipeline import extract  # noqa: E402
from foi_extract.redact import mask_pages  # noqa: E402

FALLBACK = (
    "Dear Requester\n\nFreedom of Information Act 2000\n\n1. How many libraries?\nWe run 9 libraries, "
    "listed at https://www.example.gov.uk/libraries\n\n2. Staff names?\nExempt under section 40(2).\n\n"
    "Yours sincerely\nInformation Governance\n"
)


def sample(mb: float) -> str:
    seed_path = ROOT.parent / "shared" / "seed" / "coventry_foi445227294.txt"
    seed = seed_path.read_text() if seed_path.exists() else FALLBACK
    refs = "".join(
        f"See https://example.org/doc/{i} or write to foi{i}@example.org.\n" for i in range(200)
    )
    block = seed + "\n" + refs + "\n"
    return block * max(1, int(mb * 1e6 / len(block)))


def timed(fn, *args):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4])
    ap.add_argument("--load-mb", type=float, default=30)
    args = ap.parse_args()
    os.environ.setdefault("FOI_EXTRACT_TIME_BUDGET", "3600")
    # a 30 MB text is over the default 20 M character limit: the bench measures speed, not the guard
    os.environ.setdefault("FOI_EXTRACT_MAX_CHARS", str(int(max(args.load_mb, *args.sizes) * 2e6)))
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.sizes:
            p = Path(tmp) / f"t{mb}.txt"
            p.write_text(sample(mb))
            size = p.stat().st_size / 1e6
            lt, et = timed(load, p), timed(extract, p)
            rt = timed(mask_pages, load(p).pages)
            print(
                f"{size:6.1f} MB text   load {lt:6.2f} s ({lt / size:5.2f} s/MB)   extract {et:7.2f} s ({et / size:5.2f} s/MB)"
                f"   redact {rt:6.2f} s ({rt / size:5.2f} s/MB)",
                flush=True,
            )
        text = sample(args.load_mb)
        html = Path(tmp) / "big.html"
        html.write_text(
            "<html><body>"
            + "".join(f"<p>{line}</p>" for line in text.split("\n"))
            + "</body></html>"
        )
        msg = email.message.EmailMessage()
        msg["Subject"] = "FOI reply"
        msg.set_content("Please see the attached reply.")
        msg.add_attachment(text.encode(), maintype="text", subtype="plain", filename="reply.txt")
        eml = Path(tmp) / "big.eml"
        eml.write_bytes(bytes(msg))
        txt = Path(tmp) / "big.txt"
        txt.write_text(text)
        parts = [
            f"{p.suffix[1:]} {p.stat().st_size / 1e6:.0f} MB {timed(load, p):.1f} s"
            for p in (txt, html, eml)
        ]
        print("load only: " + ", ".join(parts))


if __name__ == "__main__":
    main()
