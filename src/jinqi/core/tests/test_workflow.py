"""The workflow mechanism on a throwaway model: checks, locking, log, effects, declaration."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection, models
from django.db.models.signals import post_save
from django.test.utils import isolate_apps

from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.core.models import WorkflowStep
from jinqi.core.tests.workflow_matrix import assert_only_declared_moves
from jinqi.core.workflow import Step, Transition, Workflow

# Transactional (the schema editor cannot run inside a test transaction on SQLite); serialized
# rollback restores the migrated data its flush removes, as the next transactional test expects.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LABELS = {"draft": "草稿", "sent": "已发送", "done": "已办结"}


def _authorize(record: Any, actor: str, user: Any) -> None:
    if getattr(user, "role", None) != actor:
        raise PermissionDenied("不是你的事")


def _not_empty(record: Any) -> str | None:
    return None if record.body else "内容为空"


@pytest.fixture
def letter_model() -> Iterator[type[models.Model]]:
    with isolate_apps("jinqi.core"):

        class Letter(models.Model):
            state = models.CharField(max_length=20, default="draft")
            body = models.CharField(max_length=20, blank=True)
            lock_version = models.PositiveIntegerField(default=0)

            class Meta:
                app_label = "core"

            def __str__(self) -> str:
                return self.state

        with connection.schema_editor() as editor:
            editor.create_model(Letter)
        try:
            yield Letter
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Letter)


def letter_steps() -> Any:
    """The letters' log rows (the shipped catalogue's policy steps are in the same table)."""
    return WorkflowStep.objects.filter(workflow="core.letter")


class Who:
    def __init__(self, role: str) -> None:
        self.role = role
        self.pk = None


def _workflow(model: type[models.Model], effects: list[Step[Any]]) -> Workflow[Any]:
    return Workflow(
        model=model,
        transitions=[
            Transition("create", frozenset({""}), "draft", "writer", "起草"),
            Transition("send", frozenset({"draft"}), "sent", "writer", "发送", guard=_not_empty),
            Transition("close", frozenset({"sent"}), "done", "reader", "办结", needs_text=True),
        ],
        authorize=_authorize,
        state_labels=LABELS,
        conflict="别人先改了",
        final=frozenset({"done"}),
        effects=[effects.append],
    )


def test_a_legal_step_writes_state_and_changes_logs_it_and_runs_effects(letter_model: Any) -> None:
    """A permitted action moves the state, bumps the version, logs one row and runs effects."""
    seen: list[Step[Any]] = []
    flow = _workflow(letter_model, seen)
    letter = letter_model.objects.create(body="x")
    step = flow.apply(
        letter, "send", lock_version=0, acting_user=Who("writer"), changes={"body": "y"}
    )
    letter.refresh_from_db()
    assert (letter.state, letter.body, letter.lock_version) == ("sent", "y", 1)
    log = letter_steps().get()
    assert (log.workflow, log.object_id, log.action) == ("core.letter", letter.pk, "send")
    assert (log.from_state, log.to_state) == ("draft", "sent")
    assert [s.log for s in seen] == [log] and step.source == "draft"


def test_a_step_tells_what_its_changes_replaced(letter_model: Any) -> None:
    """`Step.before` holds the changed fields as the record had them, for logs and effects."""
    seen: list[Step[Any]] = []
    flow = _workflow(letter_model, seen)
    letter = letter_model.objects.create(body="old")
    flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"), changes={"body": "new"})
    assert seen[0].before == {"body": "old"} and letter.body == "new"


@pytest.mark.parametrize(
    ("state", "action", "role", "message"),
    [
        ("sent", "send", "writer", "“已发送”"),  # wrong source state
        ("draft", "send", "reader", "不是你的事"),  # wrong actor
        ("sent", "close", "reader", "理由"),  # text required
        ("draft", "nonsense", "writer", "不存在"),  # undeclared action
    ],
)
def test_an_illegal_step_is_refused_with_its_reason_and_changes_nothing(
    letter_model: Any, state: str, action: str, role: str, message: str
) -> None:
    """Wrong state, wrong actor, missing text or unknown action: refused, nothing written."""
    flow = _workflow(letter_model, [])
    letter = letter_model.objects.create(state=state, body="x")
    with pytest.raises(DomainError) as refused:
        flow.apply(letter, action, lock_version=0, acting_user=Who(role))
    assert message in refused.value.message
    letter.refresh_from_db()
    assert (letter.state, letter.lock_version) == (state, 0)
    assert not letter_steps().exists()


def test_a_guard_refuses_with_its_own_words(letter_model: Any) -> None:
    """A guard's refusal reaches the user as it is, and the record stays as it was."""
    flow = _workflow(letter_model, [])
    letter = letter_model.objects.create()
    with pytest.raises(DomainError, match="内容为空"):
        flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))
    assert letter_model.objects.get().state == "draft"


def test_the_second_of_two_writers_gets_a_conflict(letter_model: Any) -> None:
    """Optimistic locking: a step on a stale version is refused and logs nothing."""
    flow = _workflow(letter_model, [])
    letter = letter_model.objects.create(body="x")
    flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))
    stale = letter_model.objects.get()
    with pytest.raises(ConflictError, match="别人先改了"):
        flow.apply(stale, "close", lock_version=0, acting_user=Who("reader"), text="好")
    assert letter_model.objects.get().state == "sent"
    assert letter_steps().count() == 1


def test_a_caller_who_saw_an_older_version_gets_a_conflict_first(letter_model: Any) -> None:
    """The version the caller saw is compared before the state: a stale page is told to reload,
    not that the action no longer fits."""
    flow = _workflow(letter_model, [])
    letter = letter_model.objects.create(body="x")
    flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))
    with pytest.raises(ConflictError, match="别人先改了"):
        flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))


def test_a_transition_may_say_in_its_own_words_why_not_now(letter_model: Any) -> None:
    """`not_now` replaces the generic wrong-state sentence for that transition."""
    flow = replace(
        _workflow(letter_model, []),
        transitions=[
            Transition("send", frozenset({"draft"}), "sent", "writer", "发送", not_now="已发")
        ],
    )
    letter = letter_model.objects.create(state="sent")
    with pytest.raises(DomainError, match=r"^已发$"):
        flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))


def test_an_authorized_step_skips_only_the_actor_check(letter_model: Any) -> None:
    """A consequence of another step (`authorized=True`) is taken for any user, still only from
    its source states; the step carries the changed fields' old values."""
    seen: list[Step[Any]] = []
    flow = _workflow(letter_model, seen)
    letter = letter_model.objects.create(body="x")
    flow.apply(
        letter,
        "send",
        lock_version=0,
        acting_user=Who("reader"),
        authorized=True,
        changes={"body": "y"},
    )
    assert (letter.state, seen[0].before) == ("sent", {"body": "x"})
    with pytest.raises(DomainError, match="“已发送”"):
        flow.apply(letter, "send", lock_version=1, acting_user=Who("reader"), authorized=True)


def test_a_step_is_announced_as_a_save(letter_model: Any) -> None:
    """Listeners of the model's saves (the search index) hear of a step with the fields written."""
    heard: list[frozenset[str]] = []

    def listen(sender: Any, instance: Any, update_fields: frozenset[str], **kwargs: Any) -> None:
        heard.append(update_fields)

    post_save.connect(listen, sender=letter_model, weak=False)
    try:
        letter = letter_model.objects.create(body="x")
        heard.clear()
        flow = _workflow(letter_model, [])
        flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"), changes={"body": "y"})
    finally:
        post_save.disconnect(listen, sender=letter_model)
    assert heard == [frozenset({"state", "lock_version", "body"})]


def test_a_step_on_a_version_the_record_has_left_is_a_conflict_before_anything_else(
    letter_model: Any,
) -> None:
    """A caller whose version is older than the record's is told someone else acted, even where
    the record's new state would refuse the action for another reason."""
    flow = _workflow(letter_model, [])
    letter = letter_model.objects.create(body="x")
    flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))
    with pytest.raises(ConflictError, match="别人先改了"):
        flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))
    assert letter_steps().count() == 1


def test_a_failing_effect_rolls_the_step_back(letter_model: Any) -> None:
    """Effects run in the step's transaction: if one fails, state and log are not written."""

    def explode(step: Step[Any]) -> None:
        raise RuntimeError("notice failed")

    flow = Workflow(
        model=letter_model,
        transitions=[Transition("send", frozenset({"draft"}), "sent", "writer", "发送")],
        authorize=_authorize,
        state_labels=LABELS,
        conflict="x",
        effects=[explode],
    )
    letter = letter_model.objects.create(body="x")
    with pytest.raises(RuntimeError):
        flow.apply(letter, "send", lock_version=0, acting_user=Who("writer"))
    assert (letter_model.objects.get().state, letter_steps().count()) == ("draft", 0)


def test_available_lists_what_this_user_may_do_now(letter_model: Any) -> None:
    """The buttons a page shows: only transitions from the current state for this actor."""
    flow = _workflow(letter_model, [])
    letter = letter_model.objects.create(state="sent", body="x")
    assert [t.action for t in flow.available(letter, Who("reader"))] == ["close"]
    assert flow.available(letter, Who("writer")) == []
    assert flow.edges() == {("", "draft"), ("draft", "sent"), ("sent", "done")}


def test_started_logs_a_record_created_in_its_first_state(letter_model: Any) -> None:
    """A record created in a start transition's target gets its first log row and effects."""
    seen: list[Step[Any]] = []
    flow = _workflow(letter_model, seen)
    letter = letter_model.objects.create()
    flow.started(letter, "create", acting_user=Who("writer"))
    assert letter_steps().get().from_state == "" and len(seen) == 1
    with pytest.raises(ValueError, match="does not start"):
        flow.started(letter, "send", acting_user=Who("writer"))


@pytest.mark.parametrize(
    ("transition", "error"),
    [
        (Transition("a", frozenset({"nowhere"}), "draft", "w", "甲"), "unknown states"),
        (Transition("a", frozenset({"done"}), "draft", "w", "甲"), "leaves a final state"),
    ],
)
def test_a_wrong_declaration_fails_at_import(
    letter_model: Any, transition: Transition, error: str
) -> None:
    """Unknown states and moves out of a final state are declaration errors, found at start-up."""
    with pytest.raises(ValueError, match=error):
        Workflow(
            model=letter_model,
            transitions=[transition],
            authorize=_authorize,
            state_labels=LABELS,
            conflict="x",
            final=frozenset({"done"}),
        )


def test_the_matrix_helper_passes_a_sound_workflow_and_catches_a_leak(letter_model: Any) -> None:
    """The shared matrix check tries every state × action × actor and finds a permissive actor."""
    flow = _workflow(letter_model, [])
    users = {"writer": Who("writer"), "reader": Who("reader")}
    tried = assert_only_declared_moves(
        flow, lambda state: letter_model.objects.create(state=state, body="x"), users
    )
    assert tried == 3 * 3 * 2
    leaky = Workflow(
        model=letter_model,
        transitions=flow.transitions,
        authorize=lambda record, actor, user: None,  # anyone may do anything
        state_labels=LABELS,
        conflict="x",
    )
    with pytest.raises(AssertionError, match="was not refused"):
        assert_only_declared_moves(
            leaky, lambda state: letter_model.objects.create(state=state, body="x"), users
        )
