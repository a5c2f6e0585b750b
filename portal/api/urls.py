"""URLs of the API, mounted at /api/ by portal/urls.py: v1 resources, the schema, the docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from portal.api.auth import TokenView
from portal.api.views.cases import CaseCommentsView, CaseEscalationsView, CaseViewSet
from portal.api.views.contracts import (
    ContractViewSet,
    EligibilityView,
    ReleaseViewSet,
    SiteViewSet,
)

app_name = "api"

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("sites", SiteViewSet, basename="site")
router.register("contracts", ContractViewSet, basename="contract")
router.register("releases", ReleaseViewSet, basename="release")

v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("eligibility/", EligibilityView.as_view(), name="eligibility"),
    path("cases/<str:number>/comments/", CaseCommentsView.as_view(), name="case-comments"),
    path("cases/<str:number>/escalations/", CaseEscalationsView.as_view(), name="case-escalations"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
]
