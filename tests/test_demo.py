"""`make demo` prints the example ranking with the published results, and one explanation."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from chiso.cli import main


def test_demo(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner(env={"COLUMNS": "160"}).invoke(main, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    for name, index in [
        ("Sở Công Thương", "90.90"),
        ("Sở Thông tin và Truyền thông", "90.30"),
        ("Sở Khoa học và Công nghệ", "90.10"),
    ]:
        line = next(line for line in out.splitlines() if name in line)
        assert index in line and "Xuất sắc" in line
    assert out.count("Xuất sắc") == 3 + 1  # three units, and the explained unit's headline
    assert "mô phỏng" in out and "Kế hoạch cải thiện" in out
    assert "Huyện Võ Nhai" in out  # the district block
    sheet = load_workbook(tmp_path / "var" / "demo" / "ket-qua-2024-so.xlsx").active
    assert sheet["A1"].value.startswith("Bộ tiêu chí") and sheet.max_row == 4 + 19
