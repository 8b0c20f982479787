"""Sign in (with lock-out after repeated failures), sign out, and the home page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from ansinh.accounts import auth
from ansinh.accounts.permissions import can
from ansinh.registry.models import Household
from ansinh.registry.queries import wards_with_counts
from ansinh.web.accounts.forms import LoginForm
from ansinh.web.cases.views import nav_url as case_nav_url
from ansinh.web.common import client_ip, forms_with_errors, paginate


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method != "POST":
        return redirect(_next_url(request))
    locked = False
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        ip = client_ip(request)
        if auth.check_locked(username, ip):
            locked = True
            form = LoginForm(request, initial={"username": username})
        else:
            form = LoginForm(request, data=request.POST)
            if form.is_valid():
                auth.clear_failures(username, ip)
                auth_login(request, form.get_user())
                return redirect(_next_url(request))
            auth.record_failure(username, ip)
            locked = auth.check_locked(username, ip)
        if locked:
            status = 429
    else:
        form = LoginForm(request)
    context = {
        "form": form,
        "forms_with_errors": [] if locked else forms_with_errors(form),
        "locked": locked,
        "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=status)


logout = LogoutView.as_view()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    ward_page, ward_pages = paginate(request, wards_with_counts(user))
    may_view = can(user, "household", "view")
    context = {
        "can_search": may_view,
        "can_create": can(user, "household", "create"),
        "can_audit": can(user, "audit", "view"),
        "can_duplicates": can(user, "duplicate", "view"),
        "can_admin": user.is_staff,
        "cases_url": case_nav_url(user),
        "household_count": Household.objects.scoped(user).filter(status="active").count() if may_view else 0,
        "wards": ward_page.object_list,
        "page_obj": ward_page,
        "page_range": ward_pages,
        "ward_count": ward_page.paginator.count,
    }
    return render(request, "web/home.html", context)
