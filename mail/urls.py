"""Public URLs of the mail app; addresses in emails already sent never stop working."""

from django.urls import path

from mail import views

urlpatterns = [
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="mail_unsubscribe"),
    # The address of the links sent before every kind of email had its own.
    path("updates/unsubscribe/<str:token>/", views.unsubscribe, name="updates_unsubscribe"),
]
