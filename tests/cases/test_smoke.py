from django.urls import reverse

from ansinh.cases.queries import case_rows, case_stage


def test_it_opens_a_case_for_its_circle_only(open_case, people):
    case = open_case()
    assert case_stage(case) == "new"
    assert [r.case for r in case_rows(people["worker_a"])] == [case]
    assert case_rows(people["worker_b"]) == []


def test_it_shows_every_page_to_the_circle(client, open_case, people):
    case = open_case(kind="child", age=9)
    client.force_login(people["supervisor_a"])
    for name, args in [
        ("cases-list", []),
        ("cases-new", []),
        ("cases-queue", []),
        ("cases-statistics", []),
        ("cases-detail", [case.pk]),
        ("cases-edit", [case.pk]),
        ("cases-export", [case.pk]),
        ("cases-break-glass", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
