from dataclasses import dataclass
from typing import Any

from application.workflows.wake_paused_run import WakePausedRun
from domain.apps.entities import App, EndUser
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.human_input import FormAlreadySubmitted, FormNotFound, FormStatus


@dataclass(frozen=True, slots=True)
class SubmitFormRequest:
    app: App
    end_user: EndUser
    token: str
    action: str
    inputs: dict[str, Any]


class SubmitHumanInputForm:
    """Answers a paused run's form (Service API): the chosen action and the values go to the run, which goes
    on from where it paused, in whichever process takes it from the `workflow` queue.

    Rules: a token unknown or of another app's run is not found; forms are one-shot: one already answered
    is refused (412 `human_input_form_submitted`), one past its expiry too (412 `human_input_form_expired`);
    the action must be one of the form's and every field must be there with a value of its type
    (`invalid_form_data`); a refused answer changes nothing. The answer and the run turning `running` are
    one transaction, in which the first of two racing answers wins (the other is told the form was
    submitted); the run is queued after it commits (WakePausedRun).
    """

    def __init__(self, uow: UnitOfWorkFactory, waker: WakePausedRun, clock: Clock) -> None:
        self._uow = uow
        self._waker = waker
        self._clock = clock

    async def execute(self, request: SubmitFormRequest) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            form = await uow.human_inputs.form_by_token(request.token)
            if form is None or form.app_id != request.app.id:
                raise FormNotFound()
            form.ensure_open(now)
            values = form.check_submission(request.action, request.inputs)
            form.status, form.submitted_data, form.action_id = FormStatus.SUBMITTED, values, request.action
            form.submitted_by, form.resolved_at = request.end_user.id, now
            if not await uow.human_inputs.resolve(form):
                raise FormAlreadySubmitted(form.id)
            woken = await self._waker.mark(uow, form.run_id)
            await uow.commit()
        if woken is not None:
            await self._waker.send(*woken)
