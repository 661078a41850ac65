from django.urls import path

from networks import member_views

app_name = "members"

# Mounted at the root: a municipality representative's memberships.
urlpatterns = [
    path("medlemskap/", member_views.membership_list, name="list"),
    path("medlemskap/<int:pk>/", member_views.membership_detail, name="detail"),
    path("medlemskap/<int:pk>/deltagare/", member_views.save_participants, name="participants"),
    path("medlemskap/<int:pk>/utfastelser/", member_views.save_commitments, name="commitments"),
    path("medlemskap/<int:pk>/faktureringsuppgifter/", member_views.save_invoice_details, name="invoice"),
]
