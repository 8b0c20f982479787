"""One rule for refusals on every page (issue 13, item 10), generated from the permission matrix.

A record outside the user's area does not exist for them: 404, whatever their role. A record inside their area
that their role may not touch is refused: 403 — never 404 on one page and 403 on its sibling. A page the role
may use answers neither. Every URL pattern of the site is in ``PAGES`` (a new page fails the completeness test
until it says which cell of the matrix guards it), and each is requested as every demo role (the demo's scopes:
a ward for the ward's officers, the whole city for the city-wide roles) against a world of records in the user's
area and in another province.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ansinh.accounts.permissions import can
from tests.conftest import member_data

# The demo's roles and the shape of their scope (accounts.demo.ensure_demo_accounts).
DEMO_ROLES = {
    "ward_officer": "ward",
    "ward_chairman": "ward",
    "city_analyst": "city",
    "program_officer": "city",
    "case_worker": "ward",
    "administrator": "city",
}

Kwargs = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Page:
    resource: str
    action: str
    kwargs: Kwargs | None = None  # None: a page of no one record (a list, a form to create)
    method: str = "get"
    # A page of one record (kwargs name it) or of none (kwargs only pick a file or a form).
    record: bool = True
    # Pages of one's own records (imports have no area): another user's do not exist for a user without
    # import.view (404), and a role that may not import is refused them all (403).
    personal: bool = False
    # Query parameters that name what the page shows (a figure's list), and further cells that guard it.
    query: Kwargs | None = None
    also: tuple[tuple[str, str], ...] = ()


def _round(o: dict[str, Any]) -> dict[str, Any]:
    return {"pk": o["round"].pk}


PAGES: dict[str, Page] = {
    # registry
    "household-search": Page("household", "view"),
    "household-create": Page("household", "create"),
    "household-detail": Page("household", "view", lambda o: {"pk": o["household"].pk}),
    "household-edit": Page("household", "change", lambda o: {"pk": o["household"].pk}),
    "household-change-head": Page("household", "change", lambda o: {"pk": o["household"].pk}),
    "household-split": Page("household", "create", lambda o: {"pk": o["household"].pk}),
    "household-merge": Page("household", "change", lambda o: {"pk": o["household"].pk}),
    "member-add": Page("member", "create", lambda o: {"pk": o["household"].pk}),
    "member-edit": Page("member", "change", lambda o: {"pk": o["household"].pk, "member_pk": o["member"].pk}),
    "member-death": Page("member", "change", lambda o: {"pk": o["household"].pk, "member_pk": o["member"].pk}),
    "member-move-out": Page("member", "change", lambda o: {"pk": o["household"].pk, "member_pk": o["member"].pk}),
    "member-move-to-household": Page(
        "member", "change", lambda o: {"pk": o["household"].pk, "member_pk": o["member"].pk}
    ),
    "duplicate-list": Page("duplicate", "view"),
    "duplicate-resolve": Page("duplicate", "resolve", lambda o: {"pk": o["duplicate"].pk}, method="post"),
    "audit-search": Page("audit", "view"),
    # review
    "review-rounds": Page("review", "view"),
    "review-round-create": Page("review", "prepare"),
    "review-request-create": Page("review", "prepare"),
    "review-due": Page("review", "view"),
    "review-xlsform": Page("review", "view", lambda o: {"form_code": "B"}, record=False),
    "review-round": Page("review", "view", _round),
    "review-build-list": Page("review", "prepare", _round, method="post"),
    "review-household-add": Page("review", "prepare", _round),
    "review-household-remove": Page("review", "prepare", lambda o: {**_round(o), "rh_pk": o["rh"].pk}),
    "review-survey": Page("review", "view", lambda o: {**_round(o), "rh_pk": o["rh"].pk, "form_code": "B"}),
    "review-survey-check": Page(  # checks one answer as it is typed; saves nothing
        "review", "view", lambda o: {**_round(o), "rh_pk": o["rh"].pk, "form_code": "B"}, method="post"
    ),
    "review-offline": Page("review", "view", lambda o: {**_round(o), "form_code": "B"}),
    "review-survey-import": Page("review", "prepare", lambda o: {**_round(o), "form_code": "B"}),
    "review-results": Page("review", "view", _round),
    "review-assess": Page("review", "prepare", _round, method="post"),
    "review-assess-progress": Page("review", "view", _round),
    "review-meeting": Page("review", "view", _round),
    "review-minutes": Page("review", "view", lambda o: {**_round(o), "meeting_pk": o["meeting"].pk}),
    "review-posting": Page("review", "view", _round),
    "review-provisional-list": Page("review", "view", lambda o: {**_round(o), "standard": "vn_2022", "fmt": "pdf"}),
    "review-complaint-create": Page("review", "prepare", _round),
    "review-complaint-answer": Page("review", "prepare", lambda o: {**_round(o), "complaint_pk": o["complaint"].pk}),
    "review-approve": Page("review", "view", _round),
    "review-decision": Page("review", "view", _round),
    "review-certificates": Page("review", "view", _round),
    "review-certificate": Page("review", "view", lambda o: {**_round(o), "certificate_pk": o["certificate"].pk}),
    "review-summary": Page("review", "view", _round),
    "review-summary-xlsx": Page("review", "view", _round),
    # imports and exports
    "import-index": Page("household", "create"),
    "import-template": Page("household", "create", lambda o: {"kind": "xlsx"}, record=False),
    "import-detail": Page("household", "create", lambda o: {"pk": o["batch"].pk}, personal=True),
    "import-progress": Page("household", "create", lambda o: {"pk": o["batch"].pk}, personal=True),
    "import-commit": Page("household", "create", lambda o: {"pk": o["batch"].pk}, method="post", personal=True),
    "import-cancel": Page("household", "create", lambda o: {"pk": o["batch"].pk}, method="post", personal=True),
    "import-errors": Page("household", "create", lambda o: {"pk": o["batch"].pk}, personal=True),
    "export": Page("household", "export"),
    "export-task": Page("household", "export", lambda o: {"pk": o["export"].pk}, personal=True),
    "export-task-progress": Page("household", "export", lambda o: {"pk": o["export"].pk}, personal=True),
    "export-download": Page("household", "export", lambda o: {"pk": o["export"].pk}, personal=True),
    # dossiers
    "dossiers-list": Page("dossier", "view"),
    "dossiers-report": Page("dossier", "view"),
    "dossiers-detail": Page("dossier", "view", lambda o: {"pk": o["dossier"].pk}),
    "dossiers-act": Page("dossier", "process", lambda o: {"pk": o["dossier"].pk, "step": "hand_off"}, method="post"),
    # programmes and payrolls
    "enrolment-list": Page("enrolment", "view"),
    "payroll-list": Page("payroll", "view"),
    "payroll-detail": Page("payroll", "view", lambda o: {"pk": o["payroll"].pk}),
    "payroll-lines": Page("payroll", "view", lambda o: {"pk": o["payroll"].pk}),
    "payroll-line": Page("payroll", "view", lambda o: {"pk": o["payroll"].pk, "line_pk": o["line"].pk}),
    "payroll-step": Page("payroll", "prepare", lambda o: {"pk": o["payroll"].pk, "step": "freeze"}, method="post"),
    "payroll-file": Page("payroll", "export", lambda o: {"pk": o["payroll"].pk, "layout": "bank"}, method="post"),
    "payroll-results": Page("payroll", "prepare", lambda o: {"pk": o["payroll"].pk}, method="post"),
    "enrolment-new": Page("enrolment", "create"),
    "enrolment-due": Page("enrolment", "view"),
    "enrolment-due-decide": Page(
        "enrolment", "change", lambda o: {"enrolment_pk": o["enrolment"].pk, "event": "death"}, method="post"
    ),
    "decision-pdf": Page("enrolment", "view", lambda o: {"pk": o["decision"].pk}),
    "certified-lists": Page("household", "export"),
    "certified-list": Page(
        "household", "export", lambda o: {"kind": "hi_support", "ward_code": o["household"].ward_id, "fmt": "xlsx"}
    ),
    # reports
    "reports-dashboard": Page("report", "view"),
    "reports-ward": Page("report", "view", lambda o: {"code": o["household"].ward_id}),
    "reports-list": Page(  # the households behind a poverty figure: the report and the review's figures
        "report",
        "view",
        lambda o: {},
        query=lambda o: {"m": "poverty.households", "ward": o["household"].ward_id},
        also=(("review", "view"),),
    ),
    "reports-year": Page("report", "view"),
    "reports-official": Page("report", "view"),
    "reports-official-download": Page(
        "report", "export", lambda o: {"name": "poverty_results"}, record=False, also=(("review", "view"),)
    ),
    "reports-pivot": Page("report", "view"),
    "reports-simulate": Page("simulation", "view"),
    # the survey's confirmation and the full explanation
    "review-survey-confirm": Page(
        "review", "prepare", lambda o: {**_round(o), "rh_pk": o["rh"].pk, "form_code": "B"}, method="post"
    ),
    "review-explanation": Page(
        "review", "view", lambda o: {**_round(o), "household_pk": o["household"].pk, "standard": "vn_2022"}
    ),
    # dossiers' documents, registers, indicators and the feedback queue
    "dossiers-indicators": Page("dossier", "view"),
    "dossiers-register": Page("dossier", "view"),
    "dossiers-document": Page("dossier", "view", lambda o: {"pk": o["dossier"].pk, "kind": "receipt"}),
    "dossiers-feedback-queue": Page("dossier", "view"),
    "dossiers-feedback-detail": Page("dossier", "view", lambda o: {"pk": o["feedback"].pk}),
    "dossiers-feedback-act": Page(
        "dossier", "process", lambda o: {"pk": o["feedback"].pk, "step": "classify"}, method="post"
    ),
}
# Pages every signed-in user (or anyone) may open: no cell of the matrix guards them.
OPEN_PAGES = {
    *("home", "login", "logout", "set_language", "dossiers-follow", None),
    # the citizen's side: no account; a dossier's files and documents only with its code and secret
    *("dossiers-apply-choose", "dossiers-apply", "dossiers-citizen-file", "dossiers-citizen-document"),
    *("dossiers-feedback", "dossiers-feedback-follow", "dossiers-feedback-published"),
}
# Pages whose refusals follow another rule, each checked by its own crawl: the API answers problem details
# through the same scope (tests/api/test_scope.py); a victim's case exists only for its circle, never by area
# (tests/cases); a dossier's attachment needs an uploaded file (tests/dossiers/test_apply.py).
OWN_RULE_PREFIXES = ("api/", "cases/")
OWN_RULE_PAGES = {"dossiers-file"}
# A verification sample needs a reconciled payroll; it is read through the payroll's one rule (get_payroll_for)
# first, and tests/payments/test_pages.py opens it.
OWN_RULE_PAGES |= {"payroll-verification"}


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, str | None]]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name


def test_every_page_says_which_cell_of_the_matrix_guards_it() -> None:
    unlisted = [
        f"{route} ({name})"
        for route, name in _patterns()
        if name not in PAGES.keys() | OPEN_PAGES | OWN_RULE_PAGES and not route.startswith(OWN_RULE_PREFIXES)
    ]
    assert unlisted == [], "add these pages to PAGES with the resource and action that guard them"


# --- the world: the same records in the user's area and in another province -----------------------------


def _area(ward: Any, make_user: Any, make_household: Any, tag: str) -> dict[str, Any]:
    from ansinh.dossiers.actions import do_accept_dossier, do_receive_dossier
    from ansinh.imports.actions import create_batch
    from ansinh.payments.actions import do_compute_payroll, do_create_payroll
    from ansinh.programs.actions import do_enrol_person
    from ansinh.registry.models import DuplicateFlag
    from ansinh.review import actions as review

    officer = make_user("ward_officer", wards=[ward])
    chairman = make_user("ward_chairman", wards=[ward])
    programmes = make_user("program_officer", wards=[ward])
    poor = member_data(
        full_name=f"Nguyễn Thị {tag}",
        sex="F",
        has_health_insurance=False,
        has_labour_contract=False,
        education_level="none",
        monthly_income=500_000,
        disability_level="severe",
    )
    household = make_household(ward, members=[poor], on=dt.date(2023, 1, 2), water_source="unprotected_well")
    twin = make_household(ward, members=[member_data(full_name=f"Nguyễn Thị {tag}", sex="F")], on=dt.date(2023, 1, 2))
    member = household.members.get()
    from django.db.models import Q
    from django.utils import timezone

    # Registering the same name twice flags the pair already; flag it here when it did not.
    duplicate = DuplicateFlag.objects.filter(Q(member_a=member) | Q(member_b=member)).first()
    if duplicate is None:
        duplicate = DuplicateFlag.objects.create(
            member_a=member, member_b=twin.members.get(), flagged_at=timezone.now()
        )

    year = 2025
    rnd = review.do_create_round(actor=officer, ward=ward, kind="periodic", year=year, standards=["vn_2022"])
    review.do_build_household_list(actor=officer, review_round=rnd)
    rh = rnd.households.get(household=household)
    review.do_move_round(actor=officer, review_round=rnd, to_status="surveying")
    review.do_assess_round(actor=officer, review_round=rnd)
    votes = {pk: (10, 8) for pk in rnd.households.exclude(stage="removed").values_list("pk", flat=True)}
    meeting = review.do_record_meeting(
        actor=officer, review_round=rnd, held_on=dt.date(year, 10, 28), present_count=10, votes=votes
    )
    posting = review.do_open_posting(actor=officer, review_round=rnd, start=dt.date(year, 11, 3))
    complaint = review.do_record_complaint(
        actor=officer, review_round=rnd, received_on=posting.start, content="Đề nghị xem lại", round_household=rh
    )
    review.do_answer_complaint(actor=officer, complaint=complaint, answered_on=posting.end, answer="Đã xem lại")
    review.do_approve_round(
        actor=chairman, review_round=rnd, number=f"{tag}/QĐ-UBND", date=posting.end + dt.timedelta(days=1)
    )
    rnd.refresh_from_db()
    certificate = rnd.decision.certificates.get(household=household)

    dossier, _secret = do_receive_dossier(
        actor=officer,
        procedure_code="poverty_certificate",
        ward=ward,
        channel="counter",
        applicant_name="Nguyễn Văn An",
        documents=["request", "form_04", "form_1a", "id_card", "form_01_pension", "proof"],
    )
    do_accept_dossier(actor=officer, dossier=dossier)
    enrolment = do_enrol_person(
        actor=programmes,
        member=member,
        programme="social_assistance",
        category="disability_severe",
        start_month=dt.date(2023, 3, 1),
        decision_number="15/QĐ-UBND",
        decision_date=dt.date(2023, 2, 20),
    )
    payroll = do_create_payroll(actor=programmes, programme="social_assistance", month=dt.date(2024, 7, 1), ward=ward)
    do_compute_payroll(actor=programmes, payroll=payroll)
    batch = create_batch(actor=officer, files=[("ho.csv", b"ma_ho\n")])
    from ansinh.imports.tasks import export_xlsx

    export = export_xlsx.enqueue(ward=ward.code, q="", name="ho.xlsx", user=officer)
    from ansinh.dossiers.feedback import do_receive_feedback

    feedback, _code = do_receive_feedback(ward=ward, sender_name="Trần Văn Bình", subject="Quy định", content="Ý kiến")
    return {
        "enrolment": enrolment,
        "decision": enrolment.decisions.first(),
        "feedback": feedback,
        "household": household,
        "member": member,
        "duplicate": duplicate,
        "round": rnd,
        "rh": rh,
        "meeting": meeting,
        "complaint": complaint,
        "certificate": certificate,
        "dossier": dossier,
        "payroll": payroll,
        "line": payroll.lines.first(),
        "batch": batch,
        "export": export,
    }


@pytest.fixture
def world(
    settings: Any, tmp_path: Any, make_user: Any, make_household: Any, ward_a: Any, other_province: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    from ansinh.geo.models import Ward

    settings.IMPORT_STAGING_DIR = str(tmp_path / "staging")
    elsewhere = Ward.objects.get(code="00004")
    return _area(ward_a, make_user, make_household, "A"), _area(elsewhere, make_user, make_household, "X")


def _request(client: Client, name: str, page: Page, objects: dict[str, Any] | None) -> int:
    url = reverse(name, kwargs=(page.kwargs(objects) or None) if page.kwargs and objects is not None else None)
    query = page.query(objects) if page.query and objects is not None else {}
    response = client.post(url, query) if page.method == "post" else client.get(url, query)
    return int(response.status_code)


@pytest.mark.slow
def test_every_page_refuses_by_the_one_rule_for_every_demo_role(
    world: tuple[dict[str, Any], dict[str, Any]], make_user: Any, ward_a: Any, province: Any
) -> None:
    inside, outside = world
    wrong: list[str] = []
    for role, shape in DEMO_ROLES.items():
        user = make_user(role, wards=[ward_a]) if shape == "ward" else make_user(role, province=province)
        client = Client()
        client.force_login(user)
        for name, page in PAGES.items():
            allowed = can(user, page.resource, page.action) and all(can(user, r, a) for r, a in page.also)
            if page.personal:
                # Another user's import or export, wherever they work: refused to a role that may not import or
                # export, hidden from one that may (an administrator may see every user's imports).
                got = _request(client, name, page, outside)
                sees_all = page.resource == "household" and page.action == "create" and can(user, "import", "view")
                expected = (403,) if not allowed else (404,) if not sees_all else None
                if expected is not None and got not in expected:
                    wrong.append(f"{role} {name} another user's import: {got}, not {expected[0]}")
                continue
            if page.kwargs is not None and page.record:
                got = _request(client, name, page, outside)
                if got != 404:
                    wrong.append(f"{role} {name} outside the area: {got}, not 404")
            if allowed and page.method == "post":
                continue  # a permitted POST would do the step; its refusals are what is checked here
            got = _request(client, name, page, inside)
            if not allowed and got != 403:
                wrong.append(f"{role} {name} inside the area without {page.resource}.{page.action}: {got}, not 403")
            if allowed and got in (403, 404):
                wrong.append(f"{role} {name} inside the area with {page.resource}.{page.action}: {got}")
    assert wrong == [], "\n".join(wrong)
