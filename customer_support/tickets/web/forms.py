"""Shapes of the help desk's forms; the rules are in the services."""

from django import forms

from ..api.serializers import MOVIE_ID_MAX
from ..models import Ticket
from ..selectors import AGE_CHOICES, agent_list


class TicketOpenForm(forms.Form):
    """A customer opens a ticket, optionally about a movie picked by searching its title."""

    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    movie_id = forms.IntegerField(
        required=False, min_value=1, max_value=MOVIE_ID_MAX, widget=forms.HiddenInput
    )


class MessageForm(forms.Form):
    """A reply, or an agent's internal note."""

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000, label="Your message"
    )


class TicketChangeForm(forms.Form):
    """An agent sets the status and the priority; a customer's buttons send only the status."""

    status = forms.ChoiceField(choices=Ticket.Status.choices, required=False)
    priority = forms.ChoiceField(choices=Ticket.Priority.choices, required=False)
    note = forms.CharField(max_length=500, required=False, label="Note for the history")


class QueueFilterForm(forms.Form):
    """The agents' queue filters: every one optional, an unknown value a form error."""

    q = forms.CharField(required=False, max_length=200, label="Search")
    status = forms.ChoiceField(choices=[("", "Any status"), *Ticket.Status.choices], required=False)
    priority = forms.ChoiceField(
        choices=[("", "Any priority"), *Ticket.Priority.choices], required=False
    )
    assignee = forms.ChoiceField(required=False)
    movie_id = forms.IntegerField(required=False, min_value=1, max_value=MOVIE_ID_MAX)
    age = forms.ChoiceField(choices=[("", "Any age"), *AGE_CHOICES], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody"),
            *((str(agent.pk), agent.username) for agent in agent_list()),
        ]
        self.fields["movie_id"].label = "Movie id"

    def filters(self) -> dict:
        """The selector's keyword arguments, without the empty ones."""
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
