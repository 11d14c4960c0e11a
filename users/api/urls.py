"""REST routes of accounts, under /api/users/."""

urlpatterns = []
