"""Support tickets and their status history."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone


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

    def full_text(self, text: str, *, user) -> "TicketQuerySet":
        """Every word in the subject, description, movie title, reporter or a message.

        Only the messages the user may read count: a customer's search never matches an
        internal note. Each word narrows the result (AND), case-insensitively.
        """
        tickets = self
        for word in text.split()[:10]:
            messages = TicketMessage.objects.visible_to(user).filter(
                ticket=OuterRef("pk"), body__icontains=word
            )
            tickets = tickets.filter(
                Q(subject__icontains=word)
                | Q(description__icontains=word)
                | Q(movie_title__icontains=word)
                | Q(reporter__username__icontains=word)
                | Exists(messages)
            )
        return tickets

    def opened_within(self, *, newer_than: timedelta | None, older_than: timedelta | None):
        """Tickets by age: opened less than ``newer_than`` and more than ``older_than`` ago."""
        now = timezone.now()
        tickets = self
        if newer_than is not None:
            tickets = tickets.filter(created_at__gt=now - newer_than)
        if older_than is not None:
            tickets = tickets.filter(created_at__lte=now - older_than)
        return tickets

    def by_first_response_due(self) -> "TicketQuerySet":
        """The queue's order: unanswered first, soonest first-response due first."""
        return self.order_by(
            F("first_responded_at").asc(nulls_first=True), "first_response_due", "id"
        )


class Ticket(models.Model):
    """A customer's support request, optionally about one movie of the movie API."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    # How soon an agent must first answer, by priority (hours from the ticket's opening).
    FIRST_RESPONSE_HOURS = {"low": 48, "normal": 24, "high": 4, "urgent": 1}

    subject = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tickets"
    )
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    first_response_due = models.DateTimeField(db_index=True)
    # When an agent first replied to the customer (internal notes do not count).
    first_responded_at = models.DateTimeField(null=True, blank=True)
    # The movie API's id; no foreign key, since that database is not ours.
    movie_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    # The title when the ticket named the movie, so tickets read well even if the API is down.
    movie_title = models.CharField(max_length=255, blank=True)
    # Set by the service (not auto_now_add) so the first-response due is counted from it.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
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


class TicketMessageQuerySet(models.QuerySet):
    """Read rules for a ticket's conversation."""

    def visible_to(self, user) -> "TicketMessageQuerySet":
        """Agents read internal notes too; customers only the public conversation."""
        if user.is_authenticated and user.is_staff:
            return self
        return self.filter(internal=False)


class TicketMessage(models.Model):
    """One message of a ticket's conversation: a reply, or an agents-only internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    # An internal note: agents only; the customer never sees it, on a page or in the API.
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TicketMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        kind = "note" if self.internal else "reply"
        return f"{kind} by {self.author} on #{self.ticket_id}"
