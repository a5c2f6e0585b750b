"""The update notice form: affected releases offered and checked against the publish day."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Release
from contracts.services.releases import SUPPORTED, SupportStatus, release_statuses
from notices.models import UpdateNotice
from notices.services.publish import notice_publish_day, update_notice_check_releases


class _OfferedReleases(ModelChoiceIterator):
    """Only the releases the field offers; validation still sees every release."""

    def __iter__(self):
        for value, label in super().__iter__():
            if value == "" or value.value in self.field.offered:
                yield value, label


class ReleaseChoiceField(forms.ModelMultipleChoiceField):
    """Release checkboxes labelled with their support status on the publish day."""

    iterator = _OfferedReleases
    statuses: dict[int, SupportStatus] = {}
    offered: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Release) -> str:
        status = self.statuses.get(obj.pk)
        return f"{obj} · {status.label}" if status else str(obj)


class UpdateNoticeForm(forms.ModelForm):
    """Offers the releases that get updates; refuses any other next to the field (SLP-2)."""

    releases = ReleaseChoiceField(
        queryset=Release.objects.select_related("product").order_by(
            "product__name", "-release_date"
        ),
        widget=forms.CheckboxSelectMultiple,
        label=_("Affected releases"),
        help_text=_("Only the current and previous release of a product get updates (SLP-2)."),
    )

    class Meta:
        model = UpdateNotice
        fields = [
            "kind",
            "releases",
            "publish_at",
            "title_en",
            "body_en",
            "title_fr",
            "body_fr",
            "links",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        notice = self.instance
        day = notice_publish_day(
            kind=notice.kind or UpdateNotice.Kind.URGENT,
            publish_at=notice.publish_at,
            now=timezone.now(),
        )
        field = self.fields["releases"]
        field.statuses = release_statuses(on=day)
        # A saved release that lost its support stays shown, checked, so it can be unchecked.
        saved = set(notice.releases.values_list("pk", flat=True)) if notice.pk else set()
        supported = {pk for pk, status in field.statuses.items() if status in SUPPORTED}
        field.offered = frozenset(supported | saved)

    def clean(self):
        cleaned = super().clean()
        releases = cleaned.get("releases")
        if releases:
            day = notice_publish_day(
                kind=cleaned.get("kind"), publish_at=cleaned.get("publish_at"), now=timezone.now()
            )
            try:
                update_notice_check_releases(releases=releases, on=day)
            except ValidationError as exc:
                for message in exc.message_dict["releases"]:
                    self.add_error("releases", message)
        return cleaned
