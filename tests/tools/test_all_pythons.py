"""Which Pythons `make quick-all-pythons` runs, and what it says about the others."""

from __future__ import annotations

from tools.all_pythons import Python, plan


def test_the_newest_of_each_minor_runs_quick_and_an_old_311_installs_the_package_alone() -> None:
    found = [
        Python((3, 12, 1), "/pyenv/3.12.1/bin/python3.12"),
        Python((3, 12, 1), "/pyenv/shims/python3.12"),
        Python((3, 11, 7), "/pyenv/3.11.7/bin/python3.11"),
        Python((3, 11, 2), "/usr/bin/python3.11"),
        Python((3, 12, 0), "/opt/python3.12"),
    ]
    steps = [(action, words) for action, _, words in plan(found, here=(3, 11, 7))]
    assert steps == [
        ("package", "Python 3.11.2 (/usr/bin/python3.11): the package alone, every case"),
        ("skip", "Python 3.11.7: `make test` runs on it, not run again here"),
        ("quick", "Python 3.12.1 (/pyenv/3.12.1/bin/python3.12): make quick"),
        ("skip", "Python 3.13: not on this machine, skipped"),
        ("skip", "Python 3.14: not on this machine, skipped"),
    ]


def test_a_311_older_than_the_tools_need_is_not_given_make_quick() -> None:
    steps = plan([Python((3, 11, 4), "/usr/bin/python3.11")], here=(3, 12, 1))
    assert [action for action, _, _ in steps] == ["package", "skip", "skip", "skip"]
