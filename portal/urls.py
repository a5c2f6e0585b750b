"""URL configuration: portal pages, accounts, admin, API."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from portal import views, views_updates
from portal.views import dashboard

# The admin login goes through allauth, so staff get the same rate limits and MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "CONNECT Support"
admin.site.site_title = "CONNECT Support"

urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("", include("portal.views.urls")),
    path("updates/", views_updates.updates_list, name="updates_list"),
    path("updates/<int:pk>/", views_updates.updates_detail, name="updates_detail"),
    path("updates/preferences/", views_updates.updates_preferences, name="updates_preferences"),
    path(
        "updates/sites/<str:code>/",
        views_updates.site_releases_edit,
        name="updates_site_releases",
    ),
    path(
        "updates/sites/<str:code>/<int:pk>/delete/",
        views_updates.site_release_delete,
        name="updates_site_release_delete",
    ),
    path(
        "updates/unsubscribe/<str:token>/",
        views_updates.updates_unsubscribe,
        name="updates_unsubscribe",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cases/", include("portal.views.cases_urls")),
    path("api/", include("portal.api.urls")),
]
