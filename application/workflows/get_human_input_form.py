from domain.apps.entities import App
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.human_input import FormNotFound, HumanInputForm


class GetHumanInputForm:
    """The form a paused run waits on, by its token (Service API).

    Rules: a token unknown, or of another app's run, is not found (one answer for both, so a key cannot probe
    other apps' tokens); a form already answered or past its expiry cannot be shown (412: submitted, expired).
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, app: App, token: str) -> HumanInputForm:
        async with self._uow() as uow:
            form = await uow.human_inputs.form_by_token(token)
        if form is None or form.app_id != app.id:
            raise FormNotFound()
        form.ensure_open(self._clock.now())
        return form
