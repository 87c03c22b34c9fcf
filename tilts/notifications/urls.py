from django.urls import path

from tilts.notifications import views

app_name = "notifications"

urlpatterns = [path("", views.preferences, name="preferences")]
