from django.urls import path

from tilts.selection import views

app_name = "selection"

urlpatterns = [
    path("", views.call_list, name="calls"),
    path("<int:pk>/", views.call_detail, name="call"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/register/<str:token>/", views.register_confirm, name="register_confirm"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("mine/", views.my_applications, name="mine"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/support/", views.application_support, name="application_support"),
    path("applications/<int:pk>/eligibility/", views.application_eligibility, name="application_eligibility"),
    path("applications/<int:pk>/decision/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/conflict/", views.assignment_conflict, name="assignment_conflict"),
    path("applications/<int:pk>/scores/", views.assignment_scores, name="assignment_scores"),
    path("manage/", views.call_manage_list, name="manage_list"),
    path("manage/project/<int:pk>/new/", views.call_create, name="create"),
    path("manage/<int:pk>/", views.call_manage, name="manage"),
    path("manage/<int:pk>/edit/", views.call_edit, name="edit"),
    path("manage/<int:pk>/evaluators/", views.call_evaluators, name="evaluators"),
    path("manage/<int:pk>/promote/", views.call_promote, name="promote"),
    path("agreements/mobility/<int:pk>/", views.agreements, name="agreements"),
    path("agreements/<int:pk>/document.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("agreements/<int:pk>/signed/", views.agreement_upload, name="agreement_upload"),
    path("agreements/<int:pk>/signed.pdf", views.agreement_signed, name="agreement_signed"),
]
