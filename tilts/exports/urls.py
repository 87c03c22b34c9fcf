from django.urls import path

from tilts.exports import views

app_name = "exports"

urlpatterns = [
    path("project/<int:pk>/", views.project_exports, name="project"),
    path("project/<int:pk>/start/", views.export_start, name="start"),
    path("project/<int:pk>/module-check.xlsx", views.module_feedback, name="module_feedback"),
    path("project/<int:pk>/tilts-estimate.csv", views.module_estimate, name="module_estimate"),
    path("project/<int:pk>/module-<str:section>.csv", views.module_section, name="module_section"),
    path("project/<int:pk>/grant-agreement/", views.agreement_members, name="agreement_members"),
    path("project/<int:pk>/module-export/", views.module_imports, name="module_imports"),
    path("project/<int:pk>/eu-reports/", views.eu_reports, name="eu_reports"),
    path("module-export/<int:pk>/", views.reconciliation, name="reconciliation"),
    path("module-export/row/<int:pk>/decide/", views.reconciliation_decide, name="reconciliation_decide"),
    path("mobility/<int:pk>/module/", views.module_details, name="module_details"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/file/", views.job_file, name="file"),
]
