from django.urls import path

from applications import selection_rules_views, selection_views

app_name = "selection"

# Mounted at /projektledare/: a network's selection (urval): rules, workbench, decisions,
# waiting list and the selection report. Each view module adds its own paths.
urlpatterns = [
    path("natverk/<slug:slug>/urval/regler/", selection_rules_views.rules, name="rules"),
    path("natverk/<slug:slug>/urval/regler/aterstall/", selection_rules_views.rules_reset, name="rules_reset"),
    path("natverk/<slug:slug>/urval/", selection_views.workbench_page, name="workbench"),
    path("natverk/<slug:slug>/urval/kor/", selection_views.run, name="run"),
    path("natverk/<slug:slug>/urval/anta-alla/", selection_views.accept_all, name="accept_all"),
    path("natverk/<slug:slug>/urval/anvand-forslaget/", selection_views.use_proposal, name="use_proposal"),
    path("natverk/<slug:slug>/urval/<int:pk>/las/", selection_views.lock, name="lock"),
    path("natverk/<slug:slug>/urval/<int:pk>/beslut/", selection_views.decide, name="decide"),
    path("natverk/<slug:slug>/urval/publicera/", selection_views.publish, name="publish"),
    path(
        "natverk/<slug:slug>/urval/erbjudanden/<int:offer_pk>/aterkalla/",
        selection_views.offer_withdraw,
        name="offer_withdraw",
    ),
    path("natverk/<slug:slug>/urval/erbjudanden/nytt/", selection_views.offer_next, name="offer_next"),
    path("natverk/<slug:slug>/urval/korningar/", selection_views.runs, name="runs"),
    path("natverk/<slug:slug>/urval/rapport/", selection_views.report, name="report"),
]
