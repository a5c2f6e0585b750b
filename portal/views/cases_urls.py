"""The case pages under /cases/, in the "cases" namespace with the attachment download.

The cases app's own URLs (cases/urls.py) are included here rather than the other way round,
so imports keep pointing one way: portal -> cases.
"""

from django.urls import path

from cases.urls import urlpatterns as cases_app_urlpatterns
from portal.views import cases, cases_detail, cases_new

app_name = "cases"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("export.csv", cases.case_export, name="export"),
    path("filters/", cases.saved_filter_save_view, name="filter_save"),
    path("filters/<int:pk>/delete/", cases.saved_filter_delete_view, name="filter_delete"),
    path("new/", cases_new.case_new, name="new"),
    path("new/releases/", cases_new.case_new_releases, name="new_releases"),
    path("new/promise/", cases_new.case_new_promise, name="new_promise"),
    *cases_app_urlpatterns,
    path("<str:number>/", cases_detail.case_detail, name="detail"),
    path("<str:number>/reply/", cases_detail.case_comment_view, name="comment"),
    path("<str:number>/attachments/", cases_detail.case_attach_view, name="attach"),
    path("<str:number>/information/", cases_detail.case_information_view, name="information"),
    path("<str:number>/escalate/", cases_detail.case_escalate_view, name="escalate"),
    path("<str:number>/reopen/", cases_detail.case_reopen_view, name="reopen"),
    path("<str:number>/close/", cases_detail.case_close_view, name="close"),
    path("<str:number>/finish/", cases_detail.case_finish_view, name="finish"),
    path("<str:number>/rating/", cases_detail.case_rate_view, name="rate"),
]
