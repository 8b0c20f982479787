"""The review's pages, under ``/review/``."""

from django.urls import path

from ansinh.web.review import views

urlpatterns = [
    path("", views.round_list, name="review-rounds"),
    path("new/", views.round_create, name="review-round-create"),
    path("requests/new/", views.request_create, name="review-request-create"),
    path("due/", views.due, name="review-due"),
    path("xlsform/<str:form_code>.xlsx", views.xlsform, name="review-xlsform"),
    path("<int:pk>/", views.round_detail, name="review-round"),
    path("<int:pk>/build-list/", views.build_list, name="review-build-list"),
    path("<int:pk>/households/add/", views.household_add, name="review-household-add"),
    path("<int:pk>/households/<int:rh_pk>/remove/", views.household_remove, name="review-household-remove"),
    path("<int:pk>/households/<int:rh_pk>/survey/<str:form_code>/", views.survey, name="review-survey"),
    path(
        "<int:pk>/households/<int:rh_pk>/survey/<str:form_code>/confirm/",
        views.survey_confirm,
        name="review-survey-confirm",
    ),
    path(
        "<int:pk>/households/<int:rh_pk>/survey/<str:form_code>/check/", views.survey_check, name="review-survey-check"
    ),
    path("<int:pk>/offline/<str:form_code>.xlsx", views.offline_workbook, name="review-offline"),
    path("<int:pk>/import/<str:form_code>/", views.survey_import, name="review-survey-import"),
    path("<int:pk>/results/", views.results, name="review-results"),
    path("<int:pk>/results/<int:household_pk>/<str:standard>/", views.explanation, name="review-explanation"),
    path("<int:pk>/assess/", views.assess, name="review-assess"),
    path("<int:pk>/assess/progress/", views.assess_progress, name="review-assess-progress"),
    path("<int:pk>/meeting/", views.meeting, name="review-meeting"),
    path("<int:pk>/meeting/<int:meeting_pk>/minutes.pdf", views.minutes_pdf, name="review-minutes"),
    path("<int:pk>/posting/", views.posting, name="review-posting"),
    path("<int:pk>/posting/list-<str:standard>.<str:fmt>", views.provisional_list, name="review-provisional-list"),
    path("<int:pk>/complaints/new/", views.complaint_create, name="review-complaint-create"),
    path("<int:pk>/complaints/<int:complaint_pk>/", views.complaint_answer, name="review-complaint-answer"),
    path("<int:pk>/approval/", views.approve, name="review-approve"),
    path("<int:pk>/decision.pdf", views.decision_pdf, name="review-decision"),
    path("<int:pk>/certificates.pdf", views.certificates_pdf, name="review-certificates"),
    path("<int:pk>/certificates/<int:certificate_pk>.pdf", views.certificate_pdf, name="review-certificate"),
    path("<int:pk>/summary/", views.summary, name="review-summary"),
    path("<int:pk>/summary.xlsx", views.summary_xlsx, name="review-summary-xlsx"),
]
