"""Support tickets and their status history."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TicketQuerySet(models.QuerySet):
    """Read rules for tickets, written once."""

    def visible_to(self, user) -> "TicketQuerySet":
        """Staff see every ticket; a customer sees only their own; anonymous sees none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(reporter=user)

    def search(self, text: str) -> "TicketQuerySet":
        """Tickets whose subject or description contains the text, ignoring case."""
        return self.filter(Q(subject__icontains=text) | Q(description__icontains=text))


class Ticket(models.Model):
    """A customer's support request, optionally about one movie of the movie API."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    subject = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets"
    )
    # The movie API's id; no foreign key, since that database is not ours.
    movie_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    # The title when the ticket named the movie, so tickets read well even if the API is down.
    movie_title = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(movie_id__isnull=True, movie_title="") | Q(movie_id__isnull=False),
                name="ticket_movie_title_needs_movie_id",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class TicketStatusChange(models.Model):
    """One entry of a ticket's history: its status moved from one value to another."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="status_changes")
    # Blank for the entry that records the ticket's opening.
    from_status = models.CharField(max_length=16, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Ticket.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
