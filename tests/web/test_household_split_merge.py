"""Splitting a household, merging it into another and moving a member between households, from the web."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from ansinh.audit.models import AuditEvent
from ansinh.registry import actions
from ansinh.registry.models import Household, HouseholdEvent, Member, Membership
from tests.conftest import member_data
from tests.web.conftest import parse, signed_in

D = datetime.date
FUTURE = (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d/%m/%Y")


@pytest.fixture
def neighbour(ward_a, make_household):
    return make_household(
        ward_a,
        code="26734-NEI",
        address="Số 8, đường Hàm Nghi",
        members=[member_data(full_name="Lê Văn Chủ", date_of_birth=D(1950, 1, 1))],
    )


@pytest.fixture
def elsewhere(ward_b, make_household):
    return make_household(
        ward_b, code="27553-FAR", address="Ấp 3, Bình Chánh", members=[member_data(full_name="Võ Thị Xa", sex="F")]
    )


def who(household: Household, name: str) -> Member:
    return Member.objects.get(household=household, full_name=name)


def state() -> tuple[int, ...]:
    """What a refused request must leave untouched."""
    return (
        Household.objects.count(),
        Household.objects.filter(status="dissolved").count(),
        AuditEvent.objects.count(),
        HouseholdEvent.objects.count(),
        Membership.objects.count(),
    )


def summary_links(response: Any) -> list[str]:
    """The targets of the error summary's links."""
    html = response.content.decode()
    block = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'href="#([^"]+)"', block)


def without_tokens(response: Any) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def relation_select(response: Any, member: Member) -> tuple[str | None, list[str]]:
    """The ``relation_<id>`` select of a member: its selected value and all its values."""
    block = re.search(rf'<select name="relation_{member.pk}"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    assert block is not None, f"no relation select for {member.full_name}"
    values = re.findall(r'<option value="([^"]*)"', block.group(1))
    selected = re.findall(r'<option value="([^"]*)" selected', block.group(1))
    return (selected[0] if selected else None), values


# Splitting a household


def split_post(family: Household, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "members": [who(family, "Nguyễn Văn Cả").pk, who(family, "Phạm Thị Dâu").pk],
        "head": who(family, "Nguyễn Văn Cả").pk,
        "remaining_head": "",
        "code": "26734-new1",
        "address": "Số 3,  hẻm 5",
        "on": "01/11/2025",
    }
    data.update(overrides)
    return data


def test_it_splits_off_members_into_a_new_household(officer, officer_client, ward_a, family):
    url = reverse("household-split", args=[family.pk])
    page = officer_client.get(url)
    assert page.status_code == 200
    assert len(parse(page).find("input", type="checkbox", name="members")) == 4
    response = officer_client.post(url, split_post(family))
    new = Household.objects.get(code="26734-NEW1")
    assert response.status_code == 302
    assert response["Location"] == reverse("household-detail", args=[new.pk])
    assert (new.ward_id, new.address, new.status) == (ward_a.code, "Số 3, hẻm 5", "active")
    assert dict(new.members.values_list("full_name", "relation")) == {
        "Nguyễn Văn Cả": "head",
        "Phạm Thị Dâu": "other_relative",
    }
    assert sorted(family.members.filter(status="active").values_list("full_name", flat=True)) == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    son = who(new, "Nguyễn Văn Cả")
    stays = list(
        Membership.objects.filter(member=son)
        .order_by("start", "pk")
        .values_list("household_id", "start", "end", "start_reason", "end_reason")
    )
    assert stays == [
        (family.pk, D(2025, 8, 1), D(2025, 11, 1), "registered", "move_out"),
        (new.pk, D(2025, 11, 1), None, "move_in", ""),
    ]
    assert set(HouseholdEvent.objects.filter(household=family).values_list("kind", "related_household_id")) >= {
        ("split", new.pk),
        ("move_out", new.pk),
    }
    assert sorted(HouseholdEvent.objects.filter(household=new).values_list("kind", flat=True)) == [
        "move_in",
        "move_in",
        "split",
    ]
    created = AuditEvent.objects.get(action="household.create", household_id=new.pk)
    assert created.actor == officer and created.changes == {"split_from": [None, family.code]}
    moved = AuditEvent.objects.get(action="member.update", object_id=str(son.pk))
    assert moved.changes["household"] == [family.code, new.code] and moved.actor == officer
    assert "26734-NEW1" in officer_client.get(response["Location"]).content.decode()


def test_it_asks_who_heads_the_household_that_stays_when_the_head_leaves(officer_client, family):
    url = reverse("household-split", args=[family.pk])
    head, son, spouse = who(family, "Nguyễn Văn An"), who(family, "Nguyễn Văn Cả"), who(family, "Trần Thị Bình")
    before = state()
    response = officer_client.post(url, split_post(family, members=[head.pk, son.pk]))
    assert response.status_code == 400
    assert summary_links(response) == ["id_remaining_head"]
    assert state() == before
    response = officer_client.post(url, split_post(family, members=[head.pk, son.pk], remaining_head=spouse.pk))
    assert response.status_code == 302
    assert Member.objects.get(pk=spouse.pk).relation == "head"
    assert Member.objects.get(pk=head.pk).relation == "other_relative"
    assert Member.objects.get(pk=head.pk).household.code == "26734-NEW1"


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"members": []}, "id_members_0", "Chọn những thành viên tách ra."),
        ({"head": "self:Trần Thị Bình"}, "id_head", "Chủ hộ của hộ mới phải là một trong những thành viên tách ra."),
        ({"code": "26734-fam"}, "id_code", "Mã hộ 26734-FAM đã được sử dụng."),
        ({"members": "all"}, "id_members_0", "Phải có ít nhất một thành viên ở lại hộ 26734-FAM."),
        ({"on": FUTURE}, "id_on", "Ngày không thể ở tương lai."),
        ({"on": "01/07/2025"}, "id_on", "không được trước ngày"),
        ({"code": "", "address": ""}, "id_code", "Nhập mã của hộ mới."),
    ],
    ids=["no-member", "head-stays", "code-used", "everyone-leaves", "future", "before-joining", "blank"],
)
def test_it_shows_split_errors_in_the_summary(officer_client, family, overrides, field, text):
    if overrides.get("members") == "all":
        overrides["members"] = list(family.members.values_list("pk", flat=True))
    if str(overrides.get("head", "")).startswith("self:"):
        overrides["head"] = who(family, overrides["head"][5:]).pk
    before = state()
    response = officer_client.post(reverse("household-split", args=[family.pk]), split_post(family, **overrides))
    assert response.status_code == 400
    assert field in summary_links(response)
    assert text in response.content.decode()
    assert state() == before
    assert not Household.objects.filter(code="26734-NEW1").exists()


def test_it_asks_each_leavers_relation_to_the_new_head(officer, officer_client, family):
    url = reverse("household-split", args=[family.pk])
    page = officer_client.get(url)
    assert "Quan hệ với chủ hộ của hộ mới" in page.content.decode()
    for m in family.members.all():
        selected, values = relation_select(page, m)
        assert selected == "other_relative" and "head" not in values and "spouse" in values
    son, dil, spouse = who(family, "Nguyễn Văn Cả"), who(family, "Phạm Thị Dâu"), who(family, "Trần Thị Bình")
    response = officer_client.post(
        url,
        split_post(
            family,
            **{
                f"relation_{dil.pk}": "spouse",
                f"relation_{son.pk}": "child",  # the new head stays head
                f"relation_{spouse.pk}": "parent",
            },
        ),
    )  # she stays: ignored
    assert response.status_code == 302
    new = Household.objects.get(code="26734-NEW1")
    assert dict(new.members.values_list("full_name", "relation")) == {"Nguyễn Văn Cả": "head", "Phạm Thị Dâu": "spouse"}
    assert Member.objects.get(pk=spouse.pk).relation == "spouse"
    audit = AuditEvent.objects.get(action="member.update", object_id=str(dil.pk))
    assert audit.actor == officer and audit.changes["relation"] == ["child_in_law", "spouse"]


def test_it_refuses_a_split_with_a_relation_not_in_the_list(officer_client, family):
    dil = who(family, "Phạm Thị Dâu")
    before = state()
    response = officer_client.post(
        reverse("household-split", args=[family.pk]), split_post(family, **{f"relation_{dil.pk}": "head"})
    )
    assert response.status_code == 400
    assert summary_links(response) == [f"id_relation_{dil.pk}"]
    assert "Chọn một mục trong danh sách." in response.content.decode()
    assert state() == before


def test_it_does_not_offer_a_split_to_a_household_of_one(officer_client, neighbour):
    response = officer_client.get(reverse("household-split", args=[neighbour.pk]))
    assert response.status_code == 200
    assert not parse(response).find("input", name="members")
    assert "ít nhất hai thành viên" in response.content.decode()


# Merging into another household


def test_it_merges_after_showing_both_households(officer, officer_client, family, neighbour):
    url = reverse("household-merge", args=[family.pk])
    assert officer_client.get(url).status_code == 200
    before = state()
    check = officer_client.post(url, {"target": " 26734-nei ", "on": "01/11/2025"})
    assert check.status_code == 200
    html = check.content.decode()
    assert "26734-FAM" in html and "26734-NEI" in html
    assert "Lê Văn Chủ" in html and "Phạm Thị Dâu" in html and "Số 8, đường Hàm Nghi" in html
    assert parse(check).find("input", type="hidden", name="confirm", value="yes")
    assert state() == before  # nothing written before the confirmation
    response = officer_client.post(url, {"target": "26734-NEI", "on": "01/11/2025", "confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("household-detail", args=[neighbour.pk])
    family.refresh_from_db()
    assert (family.status, family.dissolved_on) == ("dissolved", D(2025, 11, 1))
    assert neighbour.members.filter(status="active").count() == 5
    assert neighbour.members.get(relation="head").full_name == "Lê Văn Chủ"
    assert who(neighbour, "Nguyễn Văn An").relation == "other_relative"
    assert Membership.objects.filter(household=family, end=D(2025, 11, 1), end_reason="merge").count() == 4
    assert Membership.objects.filter(household=neighbour, start=D(2025, 11, 1), start_reason="merge").count() == 4
    assert HouseholdEvent.objects.filter(household=family, kind="merge", related_household=neighbour).exists()
    assert HouseholdEvent.objects.filter(household=neighbour, kind="merge", related_household=family).exists()
    dissolved = AuditEvent.objects.get(action="household.update", household_id=family.pk)
    assert dissolved.actor == officer and dissolved.changes["merged_into"] == [None, "26734-NEI"]
    assert AuditEvent.objects.filter(action="member.update", actor=officer).count() == 4
    # The dissolved household can no longer be merged or split.
    assert officer_client.get(url).status_code == 404
    assert officer_client.get(reverse("household-split", args=[family.pk])).status_code == 404


def test_it_presets_each_joining_members_relation_on_the_confirmation(officer_client, family, neighbour):
    check = officer_client.post(
        reverse("household-merge", args=[family.pk]), {"target": "26734-NEI", "on": "01/11/2025"}
    )
    assert check.status_code == 200
    expected = {
        "Nguyễn Văn An": "other_relative",
        "Trần Thị Bình": "spouse",
        "Nguyễn Văn Cả": "child",
        "Phạm Thị Dâu": "child_in_law",
    }
    for name, relation in expected.items():
        selected, values = relation_select(check, who(family, name))
        assert selected == relation and "head" not in values
    assert "Quan hệ với chủ hộ của hộ 26734-NEI" in check.content.decode()
    assert 'class="error-summary"' not in check.content.decode()


def test_it_shows_each_joining_member_once_beside_their_relation_select(officer_client, family, neighbour):
    check = officer_client.post(
        reverse("household-merge", args=[family.pk]), {"target": "26734-NEI", "on": "01/11/2025"}
    )
    html = check.content.decode()
    spouse = who(family, "Trần Thị Bình")
    expected = f'<label for="id_relation_{spouse.pk}">Trần Thị Bình (hiện nay: Vợ/chồng; sinh ngày 02/02/1982)</label>'
    assert expected in html
    assert parse(check).find("select", id=f"id_relation_{spouse.pk}", name=f"relation_{spouse.pk}")
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Nguyễn Văn Cả", "Phạm Thị Dâu"):
        assert html.count(name) == 1, name  # in its select's label only, not listed again above
    assert html.count("Lê Văn Chủ") == 1  # the receiving household's members are listed, without a select
    assert not parse(check).find("select", id=f"id_relation_{who(neighbour, 'Lê Văn Chủ').pk}")
    # The split page words its relation selects the same way (the checkboxes above keep the short form).
    split = officer_client.get(reverse("household-split", args=[family.pk])).content.decode()
    assert expected in split


def test_it_posts_the_split_and_merge_forms_to_a_url_without_a_fragment(officer_client, family, neighbour):
    """An explicit action: without one a form posts to the page's URL, fragment included (left there by an
    error-summary link), and the browser carries that fragment over the redirect to the next page."""
    split, merge = reverse("household-split", args=[family.pk]), reverse("household-merge", args=[family.pk])
    pages = [
        officer_client.get(split),
        officer_client.get(merge),
        officer_client.post(merge, {"target": "26734-NEI", "on": "01/11/2025"}),
    ]
    assert [[f.get("action") for f in parse(page).find("form", method="post")][-1] for page in pages] == [
        split,
        merge,
        merge,
    ]


def test_it_merges_with_the_relations_chosen_on_the_confirmation(officer, officer_client, family, neighbour):
    head, spouse = who(family, "Nguyễn Văn An"), who(family, "Trần Thị Bình")
    son, dil = who(family, "Nguyễn Văn Cả"), who(family, "Phạm Thị Dâu")
    response = officer_client.post(
        reverse("household-merge", args=[family.pk]),
        {
            "target": "26734-NEI",
            "on": "01/11/2025",
            "confirm": "yes",
            f"relation_{head.pk}": "child",
            f"relation_{spouse.pk}": "child_in_law",
            f"relation_{son.pk}": "grandchild",
            f"relation_{dil.pk}": "child_in_law",
        },
    )
    assert response.status_code == 302
    assert dict(neighbour.members.filter(status="active").values_list("full_name", "relation")) == {
        "Lê Văn Chủ": "head",
        "Nguyễn Văn An": "child",
        "Trần Thị Bình": "child_in_law",
        "Nguyễn Văn Cả": "grandchild",
        "Phạm Thị Dâu": "child_in_law",
    }
    audit = AuditEvent.objects.get(action="member.update", object_id=str(spouse.pk))
    assert audit.actor == officer and audit.changes == {
        "household": ["26734-FAM", "26734-NEI"],
        "relation": ["spouse", "child_in_law"],
    }
    assert "relation" not in AuditEvent.objects.get(action="member.update", object_id=str(dil.pk)).changes


def test_it_keeps_the_confirmation_when_a_relation_is_refused(officer_client, family, neighbour):
    spouse = who(family, "Trần Thị Bình")
    before = state()
    response = officer_client.post(
        reverse("household-merge", args=[family.pk]),
        {"target": "26734-NEI", "on": "01/11/2025", "confirm": "yes", f"relation_{spouse.pk}": "head"},
    )
    assert response.status_code == 400
    assert summary_links(response) == [f"id_relation_{spouse.pk}"]
    assert parse(response).find("input", type="hidden", name="confirm", value="yes")  # still the confirmation
    assert relation_select(response, who(family, "Nguyễn Văn An"))[0] == "other_relative"
    assert state() == before
    assert Household.objects.get(pk=family.pk).status == "active"


def test_it_goes_back_from_the_confirmation_to_the_filled_form(officer_client, family, neighbour):
    url = reverse("household-merge", args=[family.pk])
    check = officer_client.post(url, {"target": "26734-nei", "on": "1/11/2025"})
    back = re.search(r'<a href="([^"]+)">‹ Quay lại</a>', check.content.decode())
    assert back is not None and back.group(1).startswith(url + "?")
    page = officer_client.get(back.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    form = parse(page)
    assert form.find("input", name="target", value="26734-NEI")
    assert form.find("input", name="on", value="01/11/2025")
    assert 'class="error-summary"' not in page.content.decode()


def test_it_answers_a_code_outside_the_area_as_if_it_did_not_exist(officer_client, family, elsewhere):
    url = reverse("household-merge", args=[family.pk])
    before = state()
    outside = officer_client.post(url, {"target": "27553-FAR", "on": "01/11/2025", "confirm": "yes"})
    unknown = officer_client.post(url, {"target": "27553-XXX", "on": "01/11/2025", "confirm": "yes"})
    assert outside.status_code == unknown.status_code == 400
    assert summary_links(outside) == ["id_target"]
    assert "Không có hộ nào mã 27553-FAR trong địa bàn của bạn." in outside.content.decode()
    assert "Ấp 3, Bình Chánh" not in outside.content.decode() and "Võ Thị Xa" not in outside.content.decode()
    assert without_tokens(outside).replace("27553-FAR", "X") == without_tokens(unknown).replace("27553-XXX", "X")
    assert state() == before
    assert Household.objects.get(pk=family.pk).status == "active"


@pytest.mark.parametrize(
    ("target", "on", "field", "text"),
    [
        ("26734-FAM", "01/11/2025", "id_target", "Không thể nhập một hộ vào chính nó."),
        ("dissolved", "01/11/2025", "id_target", "đã giải thể"),
        ("26734-NEI", FUTURE, "id_on", "Ngày không thể ở tương lai."),
        ("26734-NEI", "01/07/2025", "id_on", "không được trước ngày"),
        ("", "01/11/2025", "id_target", "Nhập mã hộ."),
    ],
    ids=["itself", "dissolved", "future", "before-joining", "blank"],
)
@pytest.mark.parametrize("confirm", ["", "yes"])
def test_it_shows_merge_errors_in_the_summary(
    officer, officer_client, ward_a, family, neighbour, make_household, target, on, field, text, confirm
):
    if target == "dissolved":
        gone = make_household(ward_a, code="26734-GONE")
        actions.do_move_out(actor=officer, member=gone.members.get(), on=D(2025, 9, 1))
        target = gone.code
    before = state()
    response = officer_client.post(
        reverse("household-merge", args=[family.pk]), {"target": target, "on": on, "confirm": confirm}
    )
    assert response.status_code == 400
    assert summary_links(response) == [field]
    assert text in response.content.decode()
    assert state() == before


# Moving a member into another household


def test_it_moves_a_member_into_another_household(officer, officer_client, family, neighbour):
    son = who(family, "Nguyễn Văn Cả")
    url = reverse("member-move-to-household", args=[family.pk, son.pk])
    page = officer_client.get(url)
    assert page.status_code == 200
    assert not parse(page).find("option", value="head")  # the receiving household keeps its head
    response = officer_client.post(url, {"to_household": "26734-NEI", "relation": "grandchild", "on": "01/11/2025"})
    assert response.status_code == 302
    assert response["Location"] == reverse("household-detail", args=[family.pk])
    son.refresh_from_db()
    assert (son.household_id, son.relation, son.status) == (neighbour.pk, "grandchild", "active")
    assert list(
        Membership.objects.filter(member=son)
        .order_by("start", "pk")
        .values_list("household_id", "end", "end_reason", "start_reason")
    ) == [(family.pk, D(2025, 11, 1), "move_out", "registered"), (neighbour.pk, None, "", "move_in")]
    assert HouseholdEvent.objects.filter(
        household=family, kind="move_out", member=son, related_household=neighbour
    ).exists()
    assert HouseholdEvent.objects.filter(
        household=neighbour, kind="move_in", member=son, related_household=family
    ).exists()
    audit = AuditEvent.objects.get(action="member.update", object_id=str(son.pk))
    assert audit.actor == officer
    assert audit.changes == {"household": ["26734-FAM", "26734-NEI"], "relation": ["child", "grandchild"]}
    follow = officer_client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn Cả đã chuyển đến hộ 26734-NEI." in follow


def test_it_asks_for_a_new_head_when_the_head_moves(officer_client, family, neighbour):
    head, spouse = who(family, "Nguyễn Văn An"), who(family, "Trần Thị Bình")
    url = reverse("member-move-to-household", args=[family.pk, head.pk])
    data = {"to_household": "26734-NEI", "relation": "sibling", "on": "01/11/2025"}
    response = officer_client.post(url, data)
    assert response.status_code == 400 and summary_links(response) == ["id_new_head"]
    assert officer_client.post(url, {**data, "new_head": spouse.pk}).status_code == 302
    assert Member.objects.get(pk=spouse.pk).relation == "head"
    assert Member.objects.get(pk=head.pk).household_id == neighbour.pk


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"to_household": "26734-FAM"}, "id_to_household", "Chọn một hộ khác hộ này."),
        ({"to_household": "27553-FAR"}, "id_to_household", "Không có hộ nào mã 27553-FAR trong địa bàn của bạn."),
        ({"to_household": "dissolved"}, "id_to_household", "đã giải thể"),
        ({"relation": ""}, "id_relation", "Chọn quan hệ với chủ hộ của hộ đó."),
        ({"relation": "head"}, "id_relation", "Chọn một mục trong danh sách."),
        ({"on": FUTURE}, "id_on", "Ngày không thể ở tương lai."),
    ],
    ids=["own-household", "outside-area", "dissolved", "no-relation", "head", "future"],
)
def test_it_shows_move_errors_in_the_summary(
    officer, officer_client, ward_a, family, neighbour, elsewhere, make_household, overrides, field, text
):
    if overrides.get("to_household") == "dissolved":
        gone = make_household(ward_a, code="26734-GONE")
        actions.do_move_out(actor=officer, member=gone.members.get(), on=D(2025, 9, 1))
        overrides["to_household"] = gone.code
    son = who(family, "Nguyễn Văn Cả")
    data = {"to_household": "26734-NEI", "relation": "grandchild", "on": "01/11/2025", **overrides}
    before = state()
    response = officer_client.post(reverse("member-move-to-household", args=[family.pk, son.pk]), data)
    assert response.status_code == 400
    assert summary_links(response) == [field]
    assert text in response.content.decode()
    assert state() == before
    assert Member.objects.get(pk=son.pk).household_id == family.pk


# Who may do it


def test_it_hides_the_household_from_an_officer_of_another_ward(make_user, ward_b, family, elsewhere):
    stranger = signed_in(make_user("ward_officer", wards=[ward_b]))
    son = who(family, "Nguyễn Văn Cả")
    before = state()
    assert stranger.get(reverse("household-split", args=[family.pk])).status_code == 404
    assert stranger.post(reverse("household-split", args=[family.pk]), split_post(family)).status_code == 404
    assert stranger.get(reverse("household-merge", args=[family.pk])).status_code == 404
    assert (
        stranger.post(
            reverse("household-merge", args=[family.pk]), {"target": "27553-FAR", "on": "01/11/2025", "confirm": "yes"}
        ).status_code
        == 404
    )
    move = reverse("member-move-to-household", args=[family.pk, son.pk])
    assert stranger.get(move).status_code == 404
    assert (
        stranger.post(move, {"to_household": "27553-FAR", "relation": "child", "on": "01/11/2025"}).status_code == 404
    )
    # Nor can they pull a member of their own ward into it.
    theirs = elsewhere.members.get()
    response = stranger.post(
        reverse("member-move-to-household", args=[elsewhere.pk, theirs.pk]),
        {"to_household": "26734-FAM", "relation": "child", "on": "01/11/2025"},
    )
    assert response.status_code == 400
    assert "Không có hộ nào mã 26734-FAM trong địa bàn của bạn." in response.content.decode()
    assert state() == before


@pytest.mark.parametrize("role", ["city_analyst", "ward_chairman", "program_officer", "case_worker"])
def test_it_refuses_a_read_only_role(make_user, province, ward_a, family, neighbour, role):
    client = signed_in(make_user(role, province=province, wards=[ward_a]))
    son = who(family, "Nguyễn Văn Cả")
    before = state()
    detail = client.get(reverse("household-detail", args=[family.pk]))
    assert detail.status_code == 200
    for name in ("household-split", "household-merge", "member-move-to-household"):
        assert (
            reverse(name, args=[family.pk] + ([son.pk] if name.startswith("member") else []))
            not in detail.content.decode()
        )
    requests = [
        (reverse("household-split", args=[family.pk]), split_post(family)),
        (reverse("household-merge", args=[family.pk]), {"target": "26734-NEI", "on": "01/11/2025", "confirm": "yes"}),
        (
            reverse("member-move-to-household", args=[family.pk, son.pk]),
            {"to_household": "26734-NEI", "relation": "child", "on": "01/11/2025"},
        ),
    ]
    for url, data in requests:
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, data).status_code in (403, 404)
    assert state() == before


def test_it_links_the_new_pages_from_the_household_page_for_an_officer(officer_client, family, neighbour):
    html = officer_client.get(reverse("household-detail", args=[family.pk])).content.decode()
    son = who(family, "Nguyễn Văn Cả")
    assert reverse("household-split", args=[family.pk]) in html
    assert reverse("household-merge", args=[family.pk]) in html
    assert reverse("member-move-to-household", args=[family.pk, son.pk]) in html
    single = officer_client.get(reverse("household-detail", args=[neighbour.pk])).content.decode()
    assert reverse("household-split", args=[neighbour.pk]) not in single  # nobody could stay behind


def test_it_serves_the_pages_in_english(officer_client, family):
    officer_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = officer_client.get(reverse("household-split", args=[family.pk])).content.decode()
    assert "Members who leave" in html and "Split the household" in html
    assert "Relation to the head of the new household" in html
    html = officer_client.get(reverse("household-merge", args=[family.pk])).content.decode()
    assert "Code of the household to merge into" in html
