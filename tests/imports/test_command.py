"""``ansinh import`` on the command line: exit status, the error report next to the file, commit."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ansinh.registry.models import Household

from .conftest import household, member


def test_it_exits_non_zero_and_writes_the_marked_file_next_to_it(files, officer, ward_a, ward_b, capsys):
    hh, mm = files(
        [household("H1"), household("H2", ward=ward_b.code)],
        [member("H1"), member("H2", "Phan Văn Tú", dob="02/02/1962")],
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("import", str(hh), "--members", str(mm), "--commit", "--user", officer.username)
    assert exit_.value.code == 1
    assert hh.with_name(hh.stem + ".errors.xlsx").exists()
    out = capsys.readouterr()
    assert "ngoài phạm vi" in out.out and "Nothing committed" in out.err
    assert not Household.objects.exists()


def test_it_commits_the_valid_part_only_when_asked(files, officer, ward_a, ward_b, capsys):
    hh, mm = files(
        [household("H1"), household("H2", ward=ward_b.code)],
        [member("H1"), member("H2", "Phan Văn Tú", dob="02/02/1962")],
    )
    with pytest.raises(SystemExit):
        call_command("import", str(hh), "--members", str(mm), "--commit", "--partial", "--user", officer.username)
    assert list(Household.objects.values_list("code", flat=True)) == ["H1"]


def test_it_commits_a_clean_file_and_exits_zero(files, ward_a, capsys):
    hh, mm = files([household("H1")], [member("H1")])
    call_command("import", str(hh), "--members", str(mm), "--commit")
    assert "households +1" in capsys.readouterr().out
    assert Household.objects.filter(code="H1").exists()


def test_it_writes_the_marked_file_when_several_optional_columns_are_missing(tmp_path, officer, ward_a):
    import openpyxl

    from ansinh.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    from .conftest import write_csv

    optional = [c for c in MEMBER_COLUMNS if not c.required][:3]
    assert len(optional) == 3
    members = [c for c in MEMBER_COLUMNS if c not in optional]
    hh = write_csv(tmp_path / "households.csv", HOUSEHOLD_COLUMNS, [household("H1")])
    mm = write_csv(tmp_path / "members.csv", members, [member("H1", dob="01/01/2999", with_id=False)])
    with pytest.raises(SystemExit):
        call_command("import", str(hh), "--members", str(mm), "--user", officer.username)
    marked = openpyxl.load_workbook(hh.with_name("households.errors.xlsx"))["Thành viên"]
    headers = [c.value for c in marked[1]]
    assert [c.header for c in optional] == [h for h in headers if h in {c.header for c in optional}]
    assert "ở tương lai" in marked.cell(row=2, column=headers.index("Lỗi") + 1).value
