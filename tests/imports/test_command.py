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
