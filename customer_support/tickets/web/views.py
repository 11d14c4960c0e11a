"""The help desk's pages: wiring between forms, selectors and services, nothing decided here."""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..models import Ticket
from ..movie_api_client.client import get_movie_api_client
from ..movie_api_client.errors import MovieApiException, MovieApiSessionEnded
from ..selectors import ticket_get, ticket_list, ticket_timeline
from ..services import ticket_assign, ticket_create, ticket_reply, ticket_update
from .forms import MessageForm, QueueFilterForm, TicketChangeForm, TicketOpenForm

MOVIE_SEARCH_RESULTS = 8
MOVIE_SEARCH_DOWN = (
    "The movie API is not answering, so movies cannot be searched just now. "
    "Try again in a moment, or open the ticket without a movie."
)


def _agent_only(user) -> None:  # the 403 page is templates/403.html
    if not user.is_staff:
        raise PermissionDenied("The queue is for support agents.")


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form, under the field it names when it has it."""
    for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@require_GET
def home(request):
    """Signed in: agents to the queue, customers to their tickets; otherwise the sign-in."""
    if not request.user.is_authenticated:
        return redirect("sign-in")
    return redirect("queue" if request.user.is_staff else "my-tickets")


@login_required
@require_GET
def my_tickets(request):
    """The tickets I opened, newest first."""
    tickets = ticket_list(user=request.user).filter(reporter=request.user)
    return render(request, "desk/my_tickets.html", {"tickets": tickets})


@login_required
def ticket_open(request):
    """Open a ticket; the movie is picked by typing part of its title."""
    form = TicketOpenForm(request.POST or None)
    # Without JavaScript the movie search box submits its own GET form to this page.
    choices = _movie_choices(request) if request.method == "GET" else {"movies": None}
    if request.method == "POST" and form.is_valid():
        try:
            ticket = ticket_create(reporter=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Ticket #{ticket.pk} is open. We will answer soon.")
            return redirect("ticket-page", pk=ticket.pk)
    status = HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK
    return render(request, "desk/ticket_open.html", {"form": form, **choices}, status=status)


@login_required
@require_GET
def movie_search(request):
    """Search-as-you-type for the movie picker: an HTML fragment of choices (htmx)."""
    return render(request, "desk/_movie_choices.html", _movie_choices(request))


def _movie_choices(request) -> dict:
    """The picker's choices for ``movie_q``; the movie API being down is said in the list.

    htmx does not swap an error answer into the page, so a 503 here would leave the old
    list standing and the customer none the wiser: the fragment says it instead (200).
    """
    text = request.GET.get("movie_q", "").strip()[:200]
    context = {"movies": None, "text": text}
    if len(text) >= 2:
        try:
            page = get_movie_api_client().all_movies(title=text, first=MOVIE_SEARCH_RESULTS)
        except MovieApiSessionEnded:
            raise  # not an outage: the session ends (accounts.middleware)
        except MovieApiException:
            context["search_problem"] = MOVIE_SEARCH_DOWN
        else:
            context["movies"] = page.items
    return context


def _draft_key(pk: int, internal: bool) -> str:
    return f"desk:draft:{pk}:{'note' if internal else 'reply'}"


def _draft(request, pk: int, internal: bool) -> dict:
    """A message written before the session ended, put back in its box once (never sent)."""
    body = request.session.pop(_draft_key(pk, internal), None)
    return {"body": body} if body else {}


def _detail_context(request, ticket: Ticket, **forms) -> dict:
    context = {
        "ticket": ticket,
        "timeline": ticket_timeline(ticket=ticket, user=request.user),
        "reply_form": forms.get("reply_form")
        or MessageForm(initial=_draft(request, ticket.pk, False)),
        "note_form": forms.get("note_form")
        or MessageForm(prefix="note", initial=_draft(request, ticket.pk, True)),
        "change_form": forms.get("change_form")
        or TicketChangeForm(initial={"status": ticket.status, "priority": ticket.priority}),
        "is_agent": request.user.is_staff,
    }
    if request.user.is_staff and ticket.movie_id:
        # Beside the ticket, not instead of it: the page still works with the movie API down.
        try:
            context["movie"] = get_movie_api_client().movie_detail(ticket.movie_id)
        except MovieApiException as exc:
            context["movie_problem"] = str(exc)
    return context


@login_required
@require_GET
def ticket_detail(request, pk: int):
    """A ticket and its conversation; another customer's ticket is a 404."""
    ticket = ticket_get(user=request.user, pk=pk)
    return render(request, "desk/ticket_detail.html", _detail_context(request, ticket))


def _detail_with_errors(request, ticket: Ticket, **forms):
    context = _detail_context(request, ticket, **forms)
    return render(request, "desk/ticket_detail.html", context, status=HTTPStatus.BAD_REQUEST)


@require_POST
def ticket_message(request, pk: int, internal: bool = False):
    """Reply to the ticket, or (agents) add an internal note."""
    form = MessageForm(request.POST, prefix="note" if internal else None)
    if not request.user.is_authenticated:
        # The session ended while they typed. Sign-in must come back to a page that answers
        # GET (this URL is POST-only), and the text must survive the trip: it is kept in the
        # (anonymous) session, which sign-in carries over, and put back in the box unsent.
        if form.is_valid():
            request.session[_draft_key(pk, internal)] = form.cleaned_data["body"]
        return redirect_to_login(reverse("ticket-page", args=[pk]) + "#timeline")
    ticket = ticket_get(user=request.user, pk=pk)
    form_name = "note_form" if internal else "reply_form"
    if not form.is_valid():
        return _detail_with_errors(request, ticket, **{form_name: form})
    try:
        ticket_reply(
            ticket=ticket, author=request.user, body=form.cleaned_data["body"], internal=internal
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _detail_with_errors(request, ticket, **{form_name: form})
    messages.success(request, "Internal note added." if internal else "Reply sent.")
    return redirect(reverse("ticket-page", args=[pk]) + "#timeline")


@login_required
@require_POST
def ticket_change(request, pk: int):
    """Change the status (customers: close, reopen) and, for agents, the priority."""
    ticket = ticket_get(user=request.user, pk=pk)
    form = TicketChangeForm(request.POST)
    if not form.is_valid():
        return _detail_with_errors(request, ticket, change_form=form)
    data = form.cleaned_data
    try:
        ticket_update(
            ticket=ticket,
            actor=request.user,
            status=data["status"] or None,
            priority=data["priority"] or None,
            note=data["note"],
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _detail_with_errors(request, ticket, change_form=form)
    messages.success(request, "Ticket updated.")
    return redirect("ticket-page", pk=pk)


@login_required
@require_POST
def ticket_assign_to_me(request, pk: int):
    """An agent takes the ticket (or, with ``unassign``, gives it back to the queue)."""
    ticket = ticket_get(user=request.user, pk=pk)
    assignee = None if request.POST.get("unassign") else request.user
    ticket_assign(ticket=ticket, actor=request.user, assignee=assignee)
    messages.success(request, "Assigned to you." if assignee else "Unassigned.")
    return redirect("ticket-page", pk=pk)


@login_required
@require_GET
def queue(request):
    """The agents' queue: filters and search, unanswered and soonest due first."""
    _agent_only(request.user)
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if form.is_valid() else {}
    status = HTTPStatus.BAD_REQUEST if form.is_bound and form.errors else HTTPStatus.OK
    tickets = ticket_list(user=request.user, queue_order=True, **filters)[:100]
    return render(request, "desk/queue.html", {"form": form, "tickets": tickets}, status=status)
