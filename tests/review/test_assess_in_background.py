"""The round's "assess" button queues the city-scale assessment for the background worker instead of running
it in the request, and the round's pages show its progress (htmx polling, as imports do)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ansinh.review.models import Assessment
from ansinh.tasks.actions import run_pending
from ansinh.tasks.models import Task


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def surveying(make_round, officer, poor_household):
    from ansinh.review import actions

    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round)
    actions.do_move_round(actor=officer, review_round=review_round, to_status="surveying")
    return review_round


def test_it_queues_the_assessment_instead_of_running_it_in_the_request(officer_client, surveying):
    response = officer_client.post(reverse("review-assess", args=[surveying.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("review-results", args=[surveying.pk])
    assert not Assessment.objects.filter(round=surveying).exists()
    task = Task.objects.get(kind="review.assess_round")
    assert task.status == "queued" and task.args["round_id"] == surveying.pk
    for page in ("review-results", "review-round"):
        html = officer_client.get(reverse(page, args=[surveying.pk])).content.decode()
        assert reverse("review-assess-progress", args=[surveying.pk]) in html, page  # polled while it runs
    officer_client.post(reverse("review-assess", args=[surveying.pk]))
    assert Task.objects.count() == 1  # a second click while it is queued queues nothing more


def test_it_shows_the_progress_then_reloads_the_page_with_the_results(officer_client, surveying, poor_household):
    officer_client.post(reverse("review-assess", args=[surveying.pk]))
    progress = reverse("review-assess-progress", args=[surveying.pk])
    waiting = officer_client.get(progress)
    assert waiting.status_code == 200 and "HX-Refresh" not in waiting
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    assert run_pending() == 1
    done = officer_client.get(progress)
    assert done["HX-Refresh"] == "true" and 'hx-trigger="every 1s"' not in done.content.decode()
    assert Assessment.objects.filter(round=surveying).count() == 1
    html = officer_client.get(reverse("review-results", args=[surveying.pk])).content.decode()
    assert poor_household.code in html and 'id="assess"' in html


def test_it_refuses_before_queueing_when_the_step_is_closed(officer_client, make_round):
    draft = make_round()  # still drafting: nothing to assess yet
    response = officer_client.post(reverse("review-assess", args=[draft.pk]), follow=True)
    assert response.status_code == 200 and not Task.objects.exists()
    assert "messages" in response.content.decode()


def test_it_hides_the_progress_of_another_wards_round(surveying, officer_b):
    outsider = Client()
    outsider.force_login(officer_b)
    assert outsider.get(reverse("review-assess-progress", args=[surveying.pk])).status_code == 404
    assert outsider.post(reverse("review-assess", args=[surveying.pk])).status_code == 404
