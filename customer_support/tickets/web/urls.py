"""The help desk's pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tickets/", views.my_tickets, name="my-tickets"),
    path("tickets/new/", views.ticket_open, name="ticket-open"),
    path("tickets/movies/", views.movie_search, name="ticket-movie-search"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket-page"),
    path("tickets/<int:pk>/reply/", views.ticket_message, name="ticket-reply"),
    path("tickets/<int:pk>/note/", views.ticket_message, {"internal": True}, name="ticket-note"),
    path("tickets/<int:pk>/change/", views.ticket_change, name="ticket-change"),
    path("tickets/<int:pk>/assign/", views.ticket_assign_to_me, name="ticket-assign"),
    path("queue/", views.queue, name="queue"),
]
