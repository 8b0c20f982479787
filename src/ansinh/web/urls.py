"""The site's pages: accounts, the audit search, and each area's URL conf (registry, review, imports)."""

from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from ansinh.web.accounts import views as accounts
from ansinh.web.audit import views as audit

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("review/", include("ansinh.web.review.urls")),
    path("imports/", include("ansinh.web.imports.urls")),
    path("dossiers/", include("ansinh.web.dossiers.urls")),
    path("cases/", include("ansinh.web.cases.urls")),
    path("reports/", include("ansinh.web.reports.urls")),
    path("", include("ansinh.web.payments.urls")),
    path("exports/", include("ansinh.web.imports.export_urls")),
    path("audit/", audit.search, name="audit-search"),
    path("", include("ansinh.web.registry.urls")),
    path("favicon.ico", RedirectView.as_view(url=static("ansinh/favicon.svg"), permanent=True)),
]
