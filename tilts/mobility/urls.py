from django.urls import path

from tilts.mobility import import_views, views

app_name = "mobility"

urlpatterns = [
    path("mine/", views.my_mobilities, name="mine"),
    path("project/<int:pk>/", views.mobility_list, name="list"),
    path("project/<int:pk>/new/", views.mobility_create, name="create"),
    path("project/<int:pk>/trips/new/", views.trip_create, name="trip_create"),
    path("project/<int:pk>/groups/", views.group_list, name="groups"),
    path("project/<int:pk>/groups/new/", views.group_create, name="group_create"),
    path("project/<int:pk>/budget/", views.budget, name="budget"),
    path("project/<int:pk>/grant-recalculations/", views.recalculations, name="recalculations"),
    path("project/<int:pk>/calendar/", views.calendar_month, name="calendar"),
    path("project/<int:pk>/calendar/replace-addresses/", views.calendar_feeds_replace, name="calendar_replace"),
    path("project/<int:pk>/import/", import_views.import_start, name="import_start"),
    path("project/<int:pk>/import/template.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/problems.xlsx", import_views.import_errors, name="import_errors"),
    path("<int:pk>/", views.mobility_detail, name="detail"),
    path("<int:pk>/edit/", views.mobility_edit, name="edit"),
    path("<int:pk>/status/", views.mobility_transition, name="transition"),
    path("groups/<int:pk>/", views.group_detail, name="group"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/status/", views.group_transition, name="group_transition"),
    path("trips/<int:pk>/", views.trip_detail, name="trip"),
    path("trips/<int:pk>/status/", views.trip_transition, name="trip_transition"),
    path("trips/<int:pk>/join/", views.trip_join, name="trip_join"),
]
