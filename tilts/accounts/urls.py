from django.urls import path

from tilts.accounts import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("invite/", views.person_invite, name="invite"),
    path("me/", views.profile, name="profile"),
    path("me/data/", views.my_data, name="my_data"),
    path("access-log/", views.access_log, name="access_log"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/resend/", views.person_resend, name="resend"),
    path("<int:pk>/active/", views.person_set_active, name="set_active"),
    path("<int:pk>/data/", views.person_data, name="data"),
    path("<int:pk>/erase/", views.person_erase, name="erase"),
]
