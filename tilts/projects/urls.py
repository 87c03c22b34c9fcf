from django.urls import path

from tilts.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/budget/", views.budget_edit, name="budget"),
    path("<int:pk>/plans/new/", views.plan_edit, name="plan_create"),
    path("<int:pk>/plans/<int:plan_pk>/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/plans/<int:plan_pk>/delete/", views.plan_delete, name="plan_delete"),
]
