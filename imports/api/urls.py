"""REST routes of the history import and the account export, under /api/users/."""

from django.urls import path

from imports.api import views

urlpatterns = [
    path("me/import/", views.HistoryImportView.as_view(), name="history-import"),
    # The export of lists/api/views.py with the Letterboxd zip added; this app sits above
    # the diary, ratings and lists it reads, so the route is mounted here.
    path("me/export/", views.AccountExportView.as_view(), name="account-export"),
]
