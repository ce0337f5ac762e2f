"""Output faults answer in one line: the path, the problem and the hint, exit 2, no traceback."""

import errno
import subprocess
import sys

import pytest
from helpers import ROOT

from sim.cli import main as cli_main
from sim.store import outputs

WEEKDAY = str(ROOT / "scenarios" / "weekday.yaml")


def test_an_output_folder_under_a_file_is_one_line(tmp_path):
    blocker = tmp_path / "results"
    blocker.write_text("not a folder", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sim.cli", "--store", "off", "run", WEEKDAY, "--reps", "2", "--out", str(blocker / "day")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().startswith(f"anchang: cannot write {blocker / 'day'}")
    assert "a part of that path is a file, not a folder" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission denied"),
        (errno.EFBIG, "ulimit -f"),
    ],
)
def test_a_failing_write_is_one_line_with_its_path(tmp_path, monkeypatch, capsys, code, words):
    target = tmp_path / "day" / "summary.json"

    def failing(data, path):
        raise OSError(code, "mocked", str(target))

    monkeypatch.setattr(outputs, "write_json", failing)
    argv = [
        "anchang",
        "--store",
        "off",
        "run",
        WEEKDAY,
        "--reps",
        "2",
        "--workers",
        "1",
        "--out",
        str(tmp_path / "day"),
    ]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as info:
        cli_main.main()
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"anchang: cannot write {target}: ") and words in err
    assert len(err.splitlines()) == 1


def test_other_os_errors_stay_internal_errors():
    assert cli_main.output_fault(OSError(errno.ECONNRESET, "reset"), "en") is None
