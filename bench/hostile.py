"""Peak memory of reading each hostile workbook (not a test): the worker's reading step in a fresh process.

    .venv/bin/python bench/hostile.py              # writes the files once under bench/out/hostile/
    .venv/bin/python bench/hostile.py --files af   # some of them

For each file, a child process reads it as the import worker does (``ansinh.imports.reading.read_files``:
measured first, then python-calamine) and prints whether it was read or refused and why; this process
reports the child's peak resident memory (``ru_maxrss`` via ``wait4``) and wall time, against the baseline
of a child that reads a clean one-household workbook. Goal (issue 14): every file under 1 GB, refused with a
reason, no crash.

Files (``tests/imports/hostile.py`` writes them, as an attacker would, with zipfile):
``xfd``: 3 KB, one cell at XFD1048576 (python-calamine alone asks for 549 GB and aborts);
``grid``: a reference AAAAAAAA3 outside Excel's grid (aborts too);
``af``: 2.7 KB, one cell at AF1048576 (1.0 GB in python-calamine alone);
``dimension``: a small sheet declaring A1:XFD1048576;
``expands``: 8 MB that unpacks to 1.1 GB of real cells (under the zip-bomb ratio);
``text``: one cell of 500 MB of text (packs 1000:1, refused as a zip bomb) and ``text-under``: 120 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out" / "hostile"

CHILD = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
import django
django.setup()
from pathlib import Path
from ansinh.imports.errors import UnreadableFile
from ansinh.imports.reading import read_files
try:
    raw = read_files([Path(sys.argv[1])])
    print("read", {n: t.frame.height for n, t in raw.tables.items()})
except UnreadableFile as exc:
    print("refused", exc.reason)
"""


def _files() -> dict[str, Path]:
    from tests.imports import hostile

    OUT.mkdir(parents=True, exist_ok=True)
    makers = {
        "clean": lambda p: hostile.one_cell_at(p, "C2"),
        "xfd": lambda p: hostile.one_cell_at(p, "XFD1048576"),
        "grid": lambda p: hostile.one_cell_at(p, "AAAAAAAA3"),
        "af": lambda p: hostile.one_cell_at(p, "AF1048576"),
        "dimension": lambda p: hostile.one_cell_at(p, "C2", dimension="A1:XFD1048576"),
        "expands": lambda p: hostile.expanding(p, rows=650_000),
        "text": lambda p: hostile.long_text(p, megabytes=500),
        "text-under": lambda p: hostile.long_text(p, megabytes=120),
    }
    paths = {}
    for name, make in makers.items():
        path = OUT / f"{name}.xlsx"
        if not path.exists():
            make(path)
        paths[name] = path
    return paths


def _run(path: Path) -> tuple[str, float, float, int]:
    env = {**os.environ, "ANSINH_ENV": os.environ.get("ANSINH_ENV", "test"), "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return (
        out.strip().splitlines()[-1] if out.strip() else "",
        usage.ru_maxrss / 1024,
        time.perf_counter() - started,
        code,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", nargs="*", help="names of the files to read (default: all)")
    args = parser.parse_args()
    paths = _files()
    names = args.files or list(paths)
    _outcome, base, _t, _c = _run(paths["clean"])
    print(f"baseline (a clean workbook): peak {base:.0f} MB")
    print(f"{'file':<11} {'on disk':>10} {'unpacked':>10} {'peak MB':>8} {'× base':>7} {'s':>6}  outcome")
    import zipfile

    worst = 0.0
    for name in names:
        path = paths[name]
        unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
        outcome, peak, seconds, code = _run(path)
        worst = max(worst, peak)
        if code != 0:
            outcome = f"CRASHED (exit {code}) {outcome}"
        print(
            f"{name:<11} {path.stat().st_size / 1024:>8.1f}KB {unpacked / 2**20:>8.0f}MB {peak:>8.0f} "
            f"{peak / base:>7.1f} {seconds:>6.1f}  {outcome}"
        )
    print(f"worst peak {worst:.0f} MB: {'under' if worst < 1024 else 'OVER'} the 1 GB goal")


if __name__ == "__main__":
    main()
