"""Drill accounts: one active user per load client, with a JWT access token each.

    DRILL_CLIENTS=4 python manage.py shell --no-imports -v 0 < scripts/cluster/tokens.py

Prints {"accounts": [{"user": ..., "token": ...}, ...], "movies": [id, ...]}. Run with
the drill's app settings (its DATABASE_URL is the drill's own primary); never on real data.
"""

import json
import os

from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import RefreshToken

from movies.models import Movie

accounts = []
for index in range(int(os.environ.get("DRILL_CLIENTS", "4"))):
    user, _ = get_user_model().objects.get_or_create(
        username=f"drill{index}", defaults={"email": f"drill{index}@example.com"}
    )
    accounts.append({"user": user.username, "token": str(RefreshToken.for_user(user).access_token)})
movies = list(Movie.objects.order_by("pk").values_list("pk", flat=True))
print(json.dumps({"accounts": accounts, "movies": movies}))
