from django.urls import path

from tilts.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.index, name="index"),
    path("items/new/", views.item_create, name="item_create"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("reviews/<int:pk>/institution/<int:organisation_pk>/", views.answers, name="answers"),
    path("reviews/<int:pk>/institution/<int:organisation_pk>/changes/", views.compare, name="compare"),
    path("answers/<int:pk>/", views.answer_detail, name="answer"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("plan/", views.plan_view, name="plan"),
    path("plan/new/", views.objective_create, name="objective_create"),
    path("plan/<int:pk>/", views.objective_detail, name="objective"),
    path("targets/project/<int:pk>/", views.targets, name="targets"),
    path("packs/", views.packs, name="packs"),
    path("packs/<int:pk>/", views.pack_detail, name="pack"),
    path("packs/<int:pk>/<str:kind>/", views.pack_file, name="pack_file"),
    path("support/", views.support_list, name="support"),
    path("support/<int:pk>/", views.checklist, name="checklist"),
]
