"""One workflow mechanism for every stateful record (docs/adr/0012-workflow-mechanism.md).

An app declares its workflow once, in its `workflow.py`: the states (a TextChoices), the
transitions (an action name, the states it leaves, the state it reaches, the actor who may take
it, whether a text is required, an optional guard), how an actor is recognised, where the step is
logged and what happens after it (effects: audit, notices). `Workflow.apply` is the only code that
changes a declared record's state:

    check   the action exists, the record is in one of its source states, the user acts as the
            transition's actor, the text is there when required, the guard passes;
    write   the new state and the caller's changes, unless someone else changed the record since
            the caller read it (optimistic locking on `lock_version`);
    log     one row per step: the app's own log model, or core's WorkflowStep;
    effects the declared effects, in the caller's transaction.

Core knows no app: actors are plain names the app's `authorize` understands, and audit and
notices are effects the app declares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jinqi.core import clock
from jinqi.core.errors import ConflictError, DomainError, PermissionDenied
from jinqi.core.models import WorkflowStep

Record = TypeVar("Record", bound=models.Model)

# A guard or an authorizer answers with a refusal the user reads, or None.
Guard = Callable[[Any], "str | Promise | None"]


@dataclass(frozen=True)
class Transition:
    """One declared move: `action` takes a record from any of `sources` to `target`."""

    action: str
    sources: frozenset[str]
    target: str
    actor: str
    label: str | Promise
    needs_text: bool = False
    guard: Guard | None = None
    # What the user reads when the record is in none of `sources` (default: a sentence naming
    # the state and the action).
    not_now: str | Promise | None = None


@dataclass(frozen=True)
class Step(Generic[Record]):
    """What one applied transition did; effects and log writers receive it."""

    record: Record
    transition: Transition
    source: str
    actor: Any
    text: str
    at: dt.datetime
    changes: Mapping[str, Any]
    log: models.Model | None = None
    # The changed fields as the caller's record had them, by column (`department_id`), so a log
    # or an effect can say what a step replaced (the department an appeal was handed from).
    before: Mapping[str, Any] = field(default_factory=dict)


Effect = Callable[[Step[Any]], None]
LogWriter = Callable[[Step[Any]], "models.Model | None"]
Authorizer = Callable[[Any, str, Any], None]


def core_log(step: Step[Any]) -> models.Model:
    """The default log: one core.WorkflowStep row per step, for workflows without their own."""
    return WorkflowStep.objects.create(
        workflow=step.record._meta.label_lower,
        object_id=step.record.pk,
        action=step.transition.action,
        from_state=step.source,
        to_state=step.transition.target,
        actor=step.actor if getattr(step.actor, "pk", None) else None,
        text=step.text[:5000],
        at=step.at,
    )


@dataclass(frozen=True)
class Workflow(Generic[Record]):
    """A model's workflow as data. `authorize(record, actor, user)` raises PermissionDenied when
    `user` does not act as `actor` on `record`; `state_labels` names states for messages."""

    model: type[Record]
    transitions: Sequence[Transition]
    authorize: Authorizer
    state_labels: Mapping[str, str | Promise]
    conflict: str | Promise
    final: frozenset[str] = frozenset()
    log: LogWriter = core_log
    effects: Sequence[Effect] = ()
    state_field: str = "state"
    _by_action: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_action = {t.action: t for t in self.transitions}
        if len(by_action) != len(self.transitions):
            raise ValueError(f"{self.model.__name__}: an action is declared twice")
        known = set(self.state_labels)
        for t in self.transitions:
            unknown = (set(t.sources) | {t.target}) - known - {""}
            if unknown:
                raise ValueError(f"{self.model.__name__}.{t.action}: unknown states {unknown}")
            if set(t.sources) & self.final:
                raise ValueError(f"{self.model.__name__}.{t.action}: leaves a final state")
        object.__setattr__(self, "_by_action", by_action)

    # -- the declaration, read ------------------------------------------------------------------

    def transition(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise DomainError(_("This action does not exist.")) from None

    def edges(self) -> frozenset[tuple[str, str]]:
        """Every (from, to) pair some action allows: the workflow as a graph."""
        return frozenset((s, t.target) for t in self.transitions for s in t.sources)

    def actions_from(self, state: str, actor: str) -> list[Transition]:
        """The transitions `actor` may take from `state`, in declaration order."""
        return [t for t in self.transitions if state in t.sources and t.actor == actor]

    def available(self, record: Record, user: Any) -> list[Transition]:
        """The transitions `user` may take on `record` now (for the pages' buttons)."""
        return [t for t in self.transitions if self.refusal(record, t, user) is None]

    # -- enforcing ------------------------------------------------------------------------------

    def check(
        self, record: Record, action: str, user: Any, *, text: str = "", authorized: bool = False
    ) -> Transition:
        """The transition, or DomainError/PermissionDenied saying why `user` may not take it
        (`authorized` as in `apply`)."""
        transition = self.transition(action)
        refusal = self.refusal(record, transition, user, text=text, actor=not authorized)
        if refusal is not None:
            raise refusal
        return transition

    def apply(
        self,
        record: Record,
        action: str,
        *,
        lock_version: int,
        acting_user: Any,
        text: str = "",
        changes: Mapping[str, Any] | None = None,
        authorized: bool = False,
    ) -> Step[Record]:
        """Take `action` on `record`: check, write state and `changes` unless the record changed
        since the caller read `lock_version`, log the step, run the effects. Atomic.

        `authorized`: the caller has authorized the step already (a consequence of another
        authorized step, or a trusted sync), so the actor is not checked; everything else is."""
        if getattr(record, "lock_version", lock_version) != lock_version:
            # The caller saw an older version than the record: a conflict, whatever else.
            raise ConflictError(str(self.conflict))
        transition = self.check(record, action, acting_user, text=text, authorized=authorized)
        source = self._state(record)
        at = clock.now()
        values = dict(changes or {})
        columns = [self._column(name) for name in values]
        before = {column: getattr(record, column) for column in columns}
        with transaction.atomic():
            updated = self.model._default_manager.filter(
                pk=record.pk, lock_version=lock_version
            ).update(
                lock_version=F("lock_version") + 1,
                **{self.state_field: transition.target},
                **values,
            )
            if not updated:
                raise ConflictError(str(self.conflict))
            # Only what this update wrote (it matched the version read, so nothing else moved):
            # a full refresh would drop the related objects the effects read next (a query
            # each, per step, which a simulated year of steps paid thousands of times).
            record.refresh_from_db(fields=[self.state_field, "lock_version", *values])
            # A step is a save: whoever follows the model's saves (the search index) follows it.
            models.signals.post_save.send(
                sender=self.model,
                instance=record,
                created=False,
                update_fields=frozenset({self.state_field, "lock_version", *values}),
                raw=False,
                using=record._state.db,
            )
            return self._record(
                Step(
                    record, transition, source, acting_user, text.strip(), at, values, before=before
                )
            )

    def started(
        self,
        record: Record,
        action: str,
        *,
        acting_user: Any,
        text: str = "",
        authorized: bool = False,
    ) -> Step[Record]:
        """Log and announce a record just created in the target state of `action`, one of the
        transitions that leave the start (the empty state). The caller created it atomically.
        `authorized` as in `apply`."""
        transition = self.transition(action)
        if "" not in transition.sources or self._state(record) != transition.target:
            raise ValueError(f"{self.model.__name__}: {action} does not start in its state")
        if not authorized:
            self.authorize(record, transition.actor, acting_user)
        return self._record(
            Step(record, transition, "", acting_user, text.strip(), clock.now(), {})
        )

    def _record(self, step: Step[Record]) -> Step[Record]:
        step = replace(step, log=self.log(step))
        for effect in self.effects:
            effect(step)
        return step

    def _column(self, name: str) -> str:
        return str(getattr(self.model._meta.get_field(name), "attname", name))

    def _state(self, record: Record) -> str:
        return str(getattr(record, self.state_field) or "")

    def refusal(
        self,
        record: Record,
        transition: Transition,
        user: Any,
        *,
        text: str | None = None,
        guards: bool = True,
        actor: bool = True,
    ) -> DomainError | None:
        """Why `user` may not take `transition` on `record` now, or None. The text is checked
        only when given (a page lists buttons before anyone typed), guards only when asked, the
        actor unless the caller authorized the step itself."""
        state = self._state(record)
        if state not in transition.sources:
            if transition.not_now is not None:
                return DomainError(str(transition.not_now))
            return DomainError(
                _("It is “%(state)s” now: “%(action)s” is not possible.")
                % {"state": self.state_labels.get(state, state), "action": transition.label}
            )
        if actor:
            try:
                self.authorize(record, transition.actor, user)
            except PermissionDenied as denied:
                return denied
        if text is not None and transition.needs_text and not text.strip():
            return DomainError(_("Give the reason; the other side is told."))
        if guards and transition.guard is not None:
            refusal = transition.guard(record)
            if refusal is not None:
                return DomainError(str(refusal))
        return None
