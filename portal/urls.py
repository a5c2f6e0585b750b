"""URL configuration: portal pages, accounts, admin, API."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, re_path
from django.views import defaults
from rest_framework import exceptions

from portal import views
from portal.api import errors
from portal.views import dashboard, moved, updates

# The admin login goes through allauth, so staff get the same rate limits and MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "CONNECT Support"
admin.site.site_title = "CONNECT Support"

urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the icon.
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("portal.views.urls")),
    path("updates/", updates.updates_list, name="updates_list"),
    path("updates/<int:pk>/", updates.updates_detail, name="updates_detail"),
    path("updates/preferences/", updates.updates_preferences, name="updates_preferences"),
    path(
        "updates/sites/<str:code>/",
        updates.site_releases_edit,
        name="updates_site_releases",
    ),
    path(
        "updates/sites/<str:code>/<int:pk>/delete/",
        updates.site_release_delete,
        name="updates_site_release_delete",
    ),
    path("", include("mail.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(
        r"^admin/contracts/(?P<model>{})/(?P<rest>.*)$".format("|".join(moved.MOVED_ADMIN_MODELS)),
        moved.admin_model_moved,
    ),
    path("admin/", admin.site.urls),
    path("cases/", include("portal.views.cases_urls")),
    path("api/", include("portal.api.urls")),
]

# Errors raised outside a view: JSON under /api/, Django's own pages (and templates/400.html)
# elsewhere.
handler400 = errors.bad_request
handler403 = errors.handler(defaults.permission_denied, exceptions.PermissionDenied)
handler404 = errors.handler(defaults.page_not_found, exceptions.NotFound)
handler500 = errors.handler(defaults.server_error, exceptions.APIException)
