"""REST routes of the lists users make, under /api/lists/ (lists/api/user_lists.py)."""

from django.urls import path

from lists.api import user_lists as views

urlpatterns = [
    path("", views.UserListsView.as_view(), name="user-lists"),
    path("<int:list_id>/", views.UserListView.as_view(), name="user-list"),
    path("<int:list_id>/items/", views.ListItemsView.as_view(), name="user-list-items"),
    path(
        "<int:list_id>/items/<int:movie_id>/",
        views.ListItemView.as_view(),
        name="user-list-item",
    ),
]
