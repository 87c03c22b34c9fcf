from django.urls import path

from tilts.followup import views

app_name = "followup"

urlpatterns = [
    path("", views.index, name="index"),
    path("results/", views.results, name="results"),
    path("goals/", views.dashboard, name="dashboard"),
    path("project/<int:pk>/", views.project_followups, name="project"),
    path("project/<int:pk>/new/", views.followup_create, name="create"),
    path("<int:pk>/", views.followup_detail, name="detail"),
    path("<int:pk>/edit/", views.followup_edit, name="edit"),
    path("<int:pk>/delete/", views.followup_delete, name="delete"),
    path("<int:pk>/approve/", views.followup_approve, name="approve"),
    path("<int:pk>/attendance-list/", views.attendance_list, name="attendance_list"),
    path("<int:pk>/materials/", views.materials, name="materials"),
]
