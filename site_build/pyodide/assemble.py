"""Lay out everything the site's in-browser Python needs, in one folder the site serves.

    python site_build/pyodide/assemble.py NODE_MODULES WHEELS PYYAML_WHEELS OUT

Inputs (fetched by the Makefile with npm and pip, pinned by checksum):
NODE_MODULES/pyodide holds the runtime; WHEELS the wheels of site_build/pyodide/requirements.txt;
PYYAML_WHEELS the Linux PyYAML wheel of site_build/pyodide/pyyaml.txt. Into OUT go the runtime's
files, every wheel, a pure-Python PyYAML wheel made from that Linux wheel's modules, a
zip of this project's package and tutorials, and manifest.json, which the page's loader
reads to know what to fetch and where each part goes. The zip and the PyYAML wheel are
written with fixed timestamps, so the same sources give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# What the project zip holds, at the paths a clone has them at: its `reference/` folder
# goes on sys.path, the tutorials stay where `python tutorials/NN_x.py` finds them, and the
# set-up check finds the exercise file from the package's place, as in a clone.
PROJECT_TREES = ("reference/llm_cache_reference", "tutorials")
# Left out: the workshop's solutions, so that code run in an exercise page cannot open them.
LEFT_OUT = (Path("tutorials/exercises/solutions"),)
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def sha256(path: Path) -> str:
    """The file's SHA-256, as hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_zip(out: Path, members: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)


def pure_pyyaml(linux_wheel: Path, out_dir: Path) -> Path:
    """Rewrite a PyYAML wheel as py3-none-any: its Python modules, without the C extension."""
    with zipfile.ZipFile(linux_wheel) as archive:
        version = linux_wheel.name.split("-")[1]
        info = f"pyyaml-{version}.dist-info"
        members = [
            (name, archive.read(name))
            for name in archive.namelist()
            if name.endswith(".py") or name.startswith(f"{info}/licenses/")
        ]
        members.append((f"{info}/METADATA", archive.read(f"{info}/METADATA")))
    members.append((f"{info}/top_level.txt", b"_yaml\nyaml\n"))
    wheel = b"Wheel-Version: 1.0\nGenerator: llm-cache-reference\nRoot-Is-Purelib: true\n"
    members.append((f"{info}/WHEEL", wheel + b"Tag: py3-none-any\n\n"))
    record = [
        f"{name},sha256={_urlsafe_digest(data)},{len(data)}" for name, data in sorted(members)
    ]
    members.append((f"{info}/RECORD", ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()))
    path = out_dir / f"pyyaml-{version}-py3-none-any.whl"
    _write_zip(path, members)
    return path


def _urlsafe_digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def project_zip(out: Path) -> Path:
    """This project's package and tutorials, as Python source, in one zip."""
    members = []
    for tree in PROJECT_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            left_out = any(path.is_relative_to(ROOT / folder) for folder in LEFT_OUT)
            # Caches (__pycache__, a linter's .ruff_cache) are the machine's, not the project's.
            parts = path.relative_to(ROOT).parts
            cache = any(part == "__pycache__" or part.startswith(".") for part in parts)
            if path.is_file() and not cache and not left_out:
                members.append((path.relative_to(ROOT).as_posix(), path.read_bytes()))
    _write_zip(out, members)
    return out


def assemble(node_modules: Path, wheels: Path, pyyaml_wheels: Path, out: Path) -> dict[str, object]:
    """Fill `out` afresh; return the manifest it wrote."""
    if out.exists():
        shutil.rmtree(out)
    (out / "wheels").mkdir(parents=True)
    runtime = node_modules / "pyodide"
    for name in RUNTIME_FILES:
        shutil.copy2(runtime / name, out / name)
    version = json.loads((runtime / "package.json").read_text())["version"]
    (out / "LICENSE-pyodide.txt").write_text(
        f"Pyodide {version} (npm package `pyodide`), Mozilla Public License 2.0:\n"
        "https://mozilla.org/MPL/2.0/ . Its source: https://github.com/pyodide/pyodide\n"
        "The wheels in wheels/ carry their own licenses in their .dist-info folders.\n"
    )
    installed = [shutil.copy2(wheel, out / "wheels") for wheel in sorted(wheels.glob("*.whl"))]
    (linux_pyyaml,) = pyyaml_wheels.glob("pyyaml-*.whl")
    installed.append(pure_pyyaml(linux_pyyaml, out / "wheels"))
    project = project_zip(out / "llm-cache-reference.zip")
    manifest: dict[str, object] = {
        "pyodide": version,
        "wheels": [_entry(Path(wheel), out) for wheel in sorted(map(str, installed))],
        "project": _entry(project, out),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def _entry(path: Path, out: Path) -> dict[str, object]:
    return {
        "file": path.relative_to(out).as_posix(),
        "sha256": sha256(path),
        "bytes": path.stat().st_size,
    }


if __name__ == "__main__":
    node_modules, wheels, pyyaml_wheels, out = map(Path, sys.argv[1:])
    written = assemble(node_modules, wheels, pyyaml_wheels, out)
    total = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
    print(f"assembled {out}: Pyodide {written['pyodide']}, {total / 1e6:.1f} MB")
