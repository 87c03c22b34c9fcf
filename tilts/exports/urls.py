from django.urls import path

from tilts.exports import views

app_name = "exports"

urlpatterns = [
    path("project/<int:pk>/", views.project_exports, name="project"),
    path("project/<int:pk>/start/", views.export_start, name="start"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/file/", views.job_file, name="file"),
]
