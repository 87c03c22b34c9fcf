from django.urls import path

from tilts.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("project/<int:pk>/", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/request-changes/", views.report_request_changes, name="request_changes"),
    path("<int:pk>/accept/", views.report_accept, name="accept"),
    path("<int:pk>/amend-agreement/", views.report_amend_agreement, name="amend_agreement"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
