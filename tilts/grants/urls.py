from django.urls import path

from tilts.grants import views

app_name = "grants"

urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("places/search/", views.place_search, name="place_search"),
    path("rates/<int:call_year>/", views.call_year_rates, name="call_year_rates"),
    path("rates/changes/", views.rate_changes, name="rate_changes"),
    path("rate-tables/", views.rate_table_list, name="rate_tables"),
    path("rate-tables/new/", views.rate_table_create, name="rate_table_create"),
    path("rate-tables/<int:pk>/", views.rate_table_detail, name="rate_table"),
    path("rate-tables/<int:pk>/values/<str:key>/", views.rate_entry_edit, name="rate_entry"),
    path("rate-tables/<int:pk>/changes/", views.rate_table_changes, name="rate_table_changes"),
    path("rate-tables/<int:pk>/countries/<str:country>/", views.country_group_edit, name="country_group"),
    path("places/", views.custom_place_list, name="places"),
]
