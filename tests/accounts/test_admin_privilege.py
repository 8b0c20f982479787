"""The permission matrix governs the admin too: no administrator makes a superuser or grants what the role does
not hold; superusers are made only from the command line, audited."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client

from ansinh.accounts.models import User
from ansinh.accounts.permissions import assigns
from ansinh.audit.models import AuditEvent


@pytest.fixture
def administrator(make_user, province):
    user = make_user("administrator", province=province)
    user.is_staff = True
    user.save()
    return user


def _form(rf, editor, target):
    request = rf.get("/admin/")
    request.user = editor
    user_admin = site._registry[User]
    return user_admin, request, user_admin.get_form(request, target, change=True)


def test_the_admin_offers_no_superuser_staff_permission_or_group_box(rf, administrator, make_user, ward_a):
    officer = make_user("ward_officer", wards=[ward_a])
    _admin, _request, form = _form(rf, administrator, officer)
    assert not {"is_superuser", "is_staff", "user_permissions", "groups"} & set(form.base_fields)


def test_an_administrator_cannot_make_a_superuser_by_posting_the_box(administrator, make_user, ward_a):
    officer = make_user("ward_officer", wards=[ward_a])
    client = Client()
    client.force_login(administrator)
    page = client.get(f"/admin/accounts/user/{officer.pk}/change/")
    assert page.status_code == 200 and 'name="is_superuser"' not in page.content.decode()
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data |= {
        "wards": [ward_a.pk],
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "is_superuser": "on",
        "is_staff": "on",
        "user_permissions": [p.pk for p in Permission.objects.all()[:3]],
    }
    data.pop("last_login", None)
    data.pop("password", None)
    response = client.post(f"/admin/accounts/user/{officer.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    officer.refresh_from_db()
    assert not officer.is_superuser and not officer.is_staff and not officer.user_permissions.exists()
    assert AuditEvent.objects.filter(action="user.change", object_id=str(officer.pk)).exists()


def test_it_offers_only_the_roles_and_wards_the_administrator_may_give(
    rf, make_user, administrator, ward_a, ward_b, other_province
):
    from ansinh.geo.models import Ward

    officer = make_user("ward_officer", wards=[ward_a])
    _admin, _request, form = _form(rf, administrator, officer)
    roles = {value for value, _label in form.base_fields["role"].choices}
    assert "administrator" not in roles and "ward_officer" in roles
    wards = set(form.base_fields["wards"].queryset.values_list("code", flat=True))
    assert {ward_a.code, ward_b.code} <= wards
    assert not wards & set(Ward.objects.filter(province=other_province).values_list("code", flat=True))
    assert set(form.base_fields["province"].queryset) == {administrator.province}


def test_it_refuses_to_edit_a_superuser_or_a_peer(rf, administrator, make_user, province):
    root = User.objects.create_superuser(username="root", password="pw-for-tests")
    peer = make_user("administrator", province=province)
    user_admin, request, _unused = _form(rf, administrator, peer)
    assert not user_admin.has_change_permission(request, root)
    assert not user_admin.has_change_permission(request, peer)
    client = Client()
    client.force_login(administrator)
    page = client.get(f"/admin/accounts/user/{root.pk}/change/")  # shown, read-only
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/accounts/user/{root.pk}/change/", {"username": "mine"}).status_code == 403
    assert client.post(f"/admin/accounts/user/{root.pk}/password/", {}).status_code in (403, 404)


def test_the_admin_follows_the_role_not_django_permissions(make_user, administrator, ward_a):
    officer = make_user("ward_officer", wards=[ward_a])
    officer.is_staff = True
    officer.save()
    officer.user_permissions.set(Permission.objects.all())  # given somehow: ignored
    client = Client()
    client.force_login(officer)
    assert client.get("/admin/geo/ward/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403
    client.force_login(administrator)  # holds no Django permission: its role is enough
    assert not administrator.user_permissions.exists()
    assert client.get("/admin/geo/ward/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/tasks/task/").status_code == 403


def test_no_role_gives_a_role_holding_more_administrative_power_than_itself():
    assert "administrator" not in assigns()["administrator"]
    assert all(not given for role, given in assigns().items() if role != "administrator")


def test_a_superuser_is_made_only_from_the_command_line_and_audited(db, capsys):
    call_command("superuser", "root", "--no-input")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff
    event = AuditEvent.objects.get(action="user.superuser")
    assert event.object_id == str(root.pk) and "ansinh superuser" in event.note
    call_command("superuser", "root", "--revoke")
    root.refresh_from_db()
    assert not root.is_superuser and AuditEvent.objects.filter(action="user.superuser_revoke").exists()


def test_createsuperuser_is_audited_too(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-pass-phrase-2025")
    call_command("createsuperuser", "--noinput", username="root2", email="root2@example.org")
    root = User.objects.get(username="root2")
    assert AuditEvent.objects.filter(action="user.superuser", object_id=str(root.pk)).exists()
