from django.urls import path

from tilts.consortium import views

app_name = "backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/accept/", views.application_accept, name="application_accept"),
    path("applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("members/", views.member_list, name="members"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/rejoin/", views.membership_rejoin, name="membership_rejoin"),
    path("memberships/<int:pk>/goals/", views.membership_goals, name="membership_goals"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("goals/", views.goal_list, name="goals"),
    path("goals/new/", views.goal_edit, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("settings/", views.consortium_settings, name="settings"),
]
