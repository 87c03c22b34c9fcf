from django.urls import path

from tilts.core import list_export_views as views

app_name = "listexports"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.request_export, name="request"),
    path("<int:pk>/file/", views.download, name="download"),
]
