from django.urls import path

from tilts.accounts import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("invite/", views.person_invite, name="invite"),
    path("me/", views.profile, name="profile"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/resend/", views.person_resend, name="resend"),
    path("<int:pk>/active/", views.person_set_active, name="set_active"),
]
