"""The link between a help desk user and the movie API account that signs them in."""

from django.conf import settings
from django.db import models


class MovieApiIdentity(models.Model):
    """A local user who signs in with a movie API account; no password is kept here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="movie_api_identity"
    )
    movie_api_user_id = models.PositiveIntegerField(unique=True)
    # As the movie API said at the last sign-in: its staff are the desk's agents.
    movie_api_staff = models.BooleanField(default=False)
    # The desk-local agent role, granted in the desk's admin to non-staff movie API users.
    desk_agent = models.BooleanField(
        default=False, help_text="An agent of this help desk, whatever the movie API says."
    )
    last_sign_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "movie API identity"
        verbose_name_plural = "movie API identities"

    def __str__(self) -> str:
        return f"{self.user} (movie API user {self.movie_api_user_id})"

    @property
    def is_agent(self) -> bool:
        return self.movie_api_staff or self.desk_agent
