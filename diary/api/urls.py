"""REST routes of the diary and the year in review, under /api/users/."""

from django.urls import path

from diary.api import views

urlpatterns = [
    path("me/diary/", views.DiaryView.as_view(), name="me-diary"),
    path("me/diary/<int:entry_id>/", views.DiaryEntryView.as_view(), name="me-diary-entry"),
    path("me/stats/", views.YearInReviewView.as_view(), name="me-stats"),
]
