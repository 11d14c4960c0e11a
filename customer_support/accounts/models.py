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


class MovieApiGrant(models.Model):
    """The movie API tokens of one signed-in desk session, kept on the server only.

    The browser holds the desk's session cookie and nothing else; the access token goes
    with every movie API call made for this person, the refresh token renews it, and the
    row goes when the session ends (sign-out, or the movie API revoking the grant).
    """

    session_key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="movie_api_grants"
    )
    access_token = models.TextField()
    refresh_token = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    # When the movie API last said the grant still stands (userinfo), at most once a minute.
    checked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"movie API grant of {self.user} (session …{self.session_key[-6:]})"


class PasswordFailure(models.Model):
    """One wrong password at the desk's own password doors (the admin, REST Basic auth).

    Counted per account name and per address over a window (``accounts.guard``); kept in
    the database so every worker process sees the same count.
    """

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"wrong password for {self.username!r} from {self.address} at {self.at}"
