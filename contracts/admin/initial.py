"""The add form's initial values from its address, checked before an autocomplete looks them up."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError


class AddressInitialChecked:
    """Drop the values of the add form's address (``?site=12``) that their field cannot hold.

    The admin fills the add form from the query string, and an autocomplete widget then looks
    each value up unchecked (Django's ``AutocompleteSelect.optgroups``): ``?site=abc`` or a
    40-digit id was a 500 (issue 13). Such a value is left out, as if it had not been given.
    """

    def get_changeform_initial_data(self, request) -> dict:
        initial = super().get_changeform_initial_data(request)
        return {name: value for name, value in initial.items() if self._holds(name, value)}

    def _holds(self, name: str, value) -> bool:
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        if not field.is_relation:
            return True
        key = field.target_field
        try:
            for item in value if isinstance(value, list) else [value]:
                key.run_validators(key.to_python(item))
        except (ValidationError, ValueError, TypeError):
            return False
        return True
