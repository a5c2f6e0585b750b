"""URLs of the cases app mounted under /cases/ by portal/urls.py."""

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
