"""Every tutorial script and recorded checker run prints exactly what its file holds.

A failure here means the file is stale: run `make tutorials-expected`, read the
difference, and commit it if it is right.
"""

from __future__ import annotations

import pytest

from tools.recorded_runs import RECORDINGS, ROOT, Output, Recording, run_all


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Output]]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.chdir(ROOT)  # the checker's report names files as they were given
        return run_all(tmp_path_factory.mktemp("recordings"))


@pytest.mark.parametrize("recording", RECORDINGS, ids=[r.name for r in RECORDINGS])
def test_output_matches_its_file(recording: Recording, outputs: dict[str, list[Output]]) -> None:
    for output, expected in zip(outputs[recording.name], recording.expected, strict=True):
        recorded, elsewhere = recording.recorded(output)
        assert elsewhere == ""
        assert output.exit_status == recording.exit_status
        assert recorded == expected.read_text(), f"stale: {expected.relative_to(ROOT)}"


def test_every_tutorial_script_slide_script_and_expected_file_is_recorded() -> None:
    recorded = {path for recording in RECORDINGS for path in recording.expected}
    folders = (ROOT / "tutorials" / "expected", ROOT / "slides" / "expected")
    assert {path for folder in folders for path in folder.glob("*.txt")} == recorded
    scripts = {r.command[0] for r in RECORDINGS if not r.checker}
    tutorials = {f"tutorials/{p.name}" for p in (ROOT / "tutorials").glob("[0-9]*.py")}
    slide_code = {f"slides/code/{p.name}" for p in (ROOT / "slides" / "code").glob("*.py")}
    assert tutorials | slide_code == scripts
