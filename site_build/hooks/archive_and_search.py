"""mkdocs hooks: the project as a .zip in the site; search that finds what a reader pastes.

The .zip holds the files git tracks (so a workshop can hand the project out from a local
server, no git needed). Built from an unpacked .zip, where there is no git, it holds the same
files: everything but what .gitignore names.
"""

from __future__ import annotations

import fnmatch
import io
import re
import subprocess
import zipfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ARCHIVE = "llm-cache-reference.zip"
# Fixed, so that the same files make the same bytes on every build.
TIMESTAMP = (2026, 1, 1, 0, 0, 0)
# Code and output blocks are indexed: a reader pastes an error message or a call into the
# search box. Left out: a block of more than LONG_BLOCK_LINES lines (a whole file shown, a
# full checker report), and the source listings mkdocstrings folds under each API entry;
# they would more than double the index every page downloads, and the message or call a
# reader pastes is also in a short block or the prose around it.
LONG_BLOCK_LINES = 20
CODE_BLOCK = re.compile(r"<pre(?=[ >])(?P<rest>.*?</pre>)", re.DOTALL)
SOURCE_LISTING = '<details class="mkdocstrings-source"'
# The theme's search dialog has no name, so a screen reader announces an unnamed dialog.
SEARCH_DIALOG = 'class="md-search" data-md-component="search" role="dialog"'


def _project_files(root: Path) -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError):
        return _files_git_would_track(root)
    return sorted(name for name in listed.stdout.split("\0") if (root / name).is_file())


def _files_git_would_track(root: Path) -> list[str]:
    ignore = root / ".gitignore"
    patterns = [".git", *(ignore.read_text().split() if ignore.exists() else [])]

    def ignored(path: Path) -> bool:
        return any(
            fnmatch.fnmatch(part, pattern.strip("/"))
            for part in path.relative_to(root).parts
            for pattern in patterns
        )

    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not ignored(path)
    )


def project_archive(root: Path) -> bytes:
    """The project's files in one .zip, under a folder named after it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in _project_files(root):
            entry = zipfile.ZipInfo(f"llm-cache-reference/{name}", TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            mode = (root / name).stat().st_mode
            entry.external_attr = (mode & 0o777 | 0o100000) << 16
            archive.writestr(entry, (root / name).read_bytes())
    return buffer.getvalue()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the project's .zip to the site, so pages can link to it."""
    root = Path(config.config_file_path).parent
    files.append(File.generated(config, ARCHIVE, content=project_archive(root)))
    return files


def _long_left_out(block: re.Match[str]) -> str:
    if block["rest"].count("\n") > LONG_BLOCK_LINES:
        return f"<pre data-search-exclude{block['rest']}"
    return block[0]


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Mark long code blocks and source listings for the search plugin to leave out."""
    html = html.replace(SOURCE_LISTING, f"{SOURCE_LISTING} data-search-exclude")
    return CODE_BLOCK.sub(_long_left_out, html)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Name the search dialog for assistive technology."""
    return output.replace(SEARCH_DIALOG, f'{SEARCH_DIALOG} aria-label="Search"', 1)
