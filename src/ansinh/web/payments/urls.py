"""The program officer's pages: enrolments under ``/enrolments/``, payrolls under ``/payrolls/``."""

from django.urls import path

from ansinh.web.payments import views

urlpatterns = [
    path("enrolments/", views.enrolment_list, name="enrolment-list"),
    path("enrolments/new/", views.enrol, name="enrolment-new"),
    path("enrolments/due/", views.due_list, name="enrolment-due"),
    path("enrolments/due/<int:enrolment_pk>/<str:event>/", views.due_decide, name="enrolment-due-decide"),
    path("enrolments/decisions/<int:pk>/pdf/", views.decision_pdf, name="decision-pdf"),
    path("certified-lists/", views.certified_lists, name="certified-lists"),
    path("certified-lists/<str:kind>/<str:ward_code>/<str:fmt>/", views.certified_list, name="certified-list"),
    path("payrolls/", views.payroll_list, name="payroll-list"),
    path("payrolls/<int:pk>/", views.payroll_detail, name="payroll-detail"),
    path("payrolls/<int:pk>/lines/", views.payroll_lines, name="payroll-lines"),
    path("payrolls/<int:pk>/lines/<int:line_pk>/", views.payroll_line, name="payroll-line"),
    path("payrolls/<int:pk>/do/<str:step>/", views.payroll_step, name="payroll-step"),
    path("payrolls/<int:pk>/file/<str:layout>/", views.payroll_file, name="payroll-file"),
    path("payrolls/<int:pk>/results/", views.payroll_results, name="payroll-results"),
    path("payrolls/<int:pk>/verification/<int:plan_pk>/", views.payroll_verification, name="payroll-verification"),
]
