"""The link from an enterprise user to its registry record: the one selector that reads it, and
the registry keeping it filled when a user is saved and when the registry creates the firm."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.accounts.tests.factories import UserFactory
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprise_of
from jinqi.registry.tests.factories import enterprise as make_enterprise
from jinqi.registry.tests.test_importing import csv_file, good_row, run
from jinqi.registry.user_links import users_link

pytestmark = pytest.mark.django_db

USCC = "91310116MA1JL0TT5P"  # the enterprise trait's code
OTHER = "91310000MA1FL8LY5G"


def _stored(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_a_user_saved_with_the_code_of_a_registered_firm_is_linked_to_it() -> None:
    """Creating an enterprise user whose firm is in the registry fills the link from the code."""
    firm = make_enterprise(USCC)
    user = UserFactory(enterprise=True)
    assert _stored(user).enterprise_id == firm.pk
    assert _stored(user).enterprise_uscc == USCC


def test_a_registered_firm_links_the_users_already_carrying_its_code() -> None:
    """A user bound by code alone gets the link when the registry creates the firm's record."""
    user = UserFactory(enterprise=True)
    assert _stored(user).enterprise_id is None
    firm = make_enterprise(USCC)
    assert _stored(user).enterprise_id == firm.pk


def test_an_import_links_the_users_carrying_the_codes_it_adds(tmp_path: Path) -> None:
    """A bulk import that creates a firm links the users who carry its code."""
    user = UserFactory(enterprise=True)
    run(csv_file(tmp_path / "firms.csv", [good_row(USCC)]))
    assert _stored(user).enterprise == Enterprise.objects.get(uscc=USCC)


def test_changing_the_code_moves_the_link_and_clearing_it_drops_the_link() -> None:
    """The link follows the code on a full save and on a save naming only the code."""
    make_enterprise(USCC)
    other = make_enterprise(OTHER)
    user = _stored(UserFactory(enterprise=True))
    user.enterprise_uscc = OTHER
    user.save(update_fields=["enterprise_uscc"])
    assert _stored(user).enterprise_id == other.pk
    staff = _stored(user)
    staff.role = Role.LEAD_OFFICE
    staff.enterprise_uscc = ""
    staff.save()
    assert _stored(staff).enterprise_id is None


def test_linking_again_changes_nothing_and_leaves_unknown_codes_alone() -> None:
    """`users_link` links only users without a link whose code the registry has."""
    firm = make_enterprise(USCC)
    UserFactory(enterprise=True)
    waiting = UserFactory(enterprise=True, enterprise_uscc=OTHER)
    User.objects.update(enterprise=None)
    assert users_link(usccs=[USCC]) == 1
    assert users_link() == 0
    assert _stored(waiting).enterprise_id is None
    assert set(User.objects.exclude(enterprise=None).values_list("enterprise", flat=True)) == {
        firm.pk
    }


def test_the_enterprise_of_a_linked_user_is_its_linked_record() -> None:
    """With the link filled, the selector returns the linked record."""
    firm = make_enterprise(USCC)
    user = _stored(UserFactory(enterprise=True))
    assert user.enterprise_id == firm.pk
    assert enterprise_of(user) == firm


def test_the_enterprise_of_a_user_with_only_a_code_is_found_by_the_code() -> None:
    """A user whose link is not filled yet is matched by its code, or has no enterprise."""
    user = UserFactory(enterprise=True)
    assert enterprise_of(_stored(user)) is None
    firm = make_enterprise(USCC)
    User.objects.update(enterprise=None)  # as a write that bypassed the registry would leave it
    assert enterprise_of(_stored(user)) == firm


def test_only_an_enterprise_user_has_an_enterprise() -> None:
    """Other roles, even with a code, and anonymous visitors have none."""
    make_enterprise(USCC)
    assert enterprise_of(UserFactory(enterprise_uscc=USCC)) is None
    assert enterprise_of(AnonymousUser()) is None
