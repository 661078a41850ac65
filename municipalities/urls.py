from django.urls import path

from municipalities import efficiency_views, kolada_views, majority_views, views

app_name = "municipalities"

urlpatterns = [
    path("", views.municipality_list, name="list"),
    path("min-kommun/", views.my_municipality, name="mine"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/tillampa/", views.import_apply, name="import_apply"),
    path("import/<int:pk>/avbryt/", views.import_cancel, name="import_cancel"),
    path("majoritet/import/", majority_views.majority_import_upload, name="majority_import"),
    path("majoritet/import/<int:pk>/", majority_views.majority_import_preview, name="majority_import_preview"),
    path("majoritet/import/<int:pk>/tillampa/", majority_views.majority_import_apply, name="majority_import_apply"),
    path("majoritet/import/<int:pk>/avbryt/", majority_views.majority_import_cancel, name="majority_import_cancel"),
    path("<str:code>/majoritet/", majority_views.majority_edit, name="majority_edit"),
    path("<str:code>/effektivitet/", efficiency_views.municipality_efficiency, name="efficiency"),
    path("kolada/synkningar/", kolada_views.kolada_sync_list, name="kolada_syncs"),
    path("<str:code>/", views.municipality_detail, name="detail"),
]
