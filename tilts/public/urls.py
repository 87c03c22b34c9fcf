from django.urls import path

from tilts.public import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("goals/", views.goal_list, name="goals"),
    path("goals/<int:number>/", views.goal_detail, name="goal"),
    path("members/", views.member_list, name="members"),
    path("join/", views.join, name="join"),
    path("join/thanks/", views.join_thanks, name="join_thanks"),
    path("contact/", views.contact, name="contact"),
    path("privacy/", views.privacy, name="privacy"),
]
