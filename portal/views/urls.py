"""URLs of the portal pages, mounted at the root by portal/urls.py (namespace "portal")."""

from django.urls import path

from portal.views import brand, brand_edit, contact, profile, releases, sites, team

app_name = "portal"

urlpatterns = [
    path("sites/", sites.site_list, name="site_list"),
    path("sites/<str:code>/", sites.site_detail, name="site_detail"),
    path("contracts/", sites.contract_list, name="contract_list"),
    path("releases/", releases.release_list, name="release_list"),
    path("team/", team.team, name="team"),
    path("team/invite/", team.team_invite, name="team_invite"),
    path("team/<int:pk>/role/", team.member_role, name="member_role"),
    path("team/<int:pk>/contact/", team.member_contact, name="member_contact"),
    path("team/<int:pk>/deactivate/", team.member_deactivate_view, name="member_deactivate"),
    path("profile/", profile.profile, name="profile"),
    path("profile/email/", profile.email_preferences, name="email_preferences"),
    path("profile/tokens/", profile.api_tokens, name="api_tokens"),
    path("profile/tokens/<int:pk>/revoke/", profile.api_token_revoke, name="api_token_revoke"),
    path("contact/", contact.contact, name="contact"),
    path("branding/", brand_edit.brand_edit, name="brand_edit"),
    path("branding/preview/", brand_edit.brand_preview, name="brand_preview"),
    path("brand/preview/colours.css", brand.brand_preview_css, name="brand_preview_css"),
    path("brand/<slug:checksum>.css", brand.brand_css, name="brand_css"),
    path("brand/logo/<str:name>", brand.brand_logo, name="brand_logo"),
]
