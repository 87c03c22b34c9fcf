from django.urls import path

from tilts.payments import views

app_name = "payments"

urlpatterns = [
    path("mobility/<int:pk>/", views.mobility_payments, name="mobility"),
    path("mobility/<int:pk>/<str:kind>/", views.record, name="record"),
    path("project/<int:pk>/", views.project_payments, name="project"),
]
