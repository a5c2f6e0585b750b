"""Public URLs of the mail app; the address is in emails already sent, so it never changes."""

from django.urls import path

from mail import views

urlpatterns = [
    path("updates/unsubscribe/<str:token>/", views.unsubscribe, name="updates_unsubscribe"),
]
