from application.conversations.generations import Generations
from application.workflows.run_handle import WorkflowRunHandle
from application.workflows.run_workflow import RunWorkflow, RunWorkflowRequest
from domain.shared.errors import StoreUnavailable
from domain.workflows.run_queue import WorkflowRunQueue


class StartAsyncWorkflowRun:
    """Starts a workflow run for a worker to execute (`response_mode: async`, beyond Dify: the client gets
    202 at once and polls or re-attaches to the run).

    Rules: the run is checked and stored exactly as a run executed here would be (RunWorkflow.prepare)
    before it is queued; a run the queue refuses is ended as `failed` with the reason, never left
    `running` with nobody to run it, and the refusal reaches the client (503); storing and queueing are
    one detached step (a client that goes away meanwhile does not leave a stored run nobody queued). A run
    on a durable queue has no owner (the queue redelivers it if its worker dies); on the in-process queue
    this process owns it, so if the process dies the reaper ends it `failed` (ReapOrphanedWork).
    """

    def __init__(self, runs: RunWorkflow, queue: WorkflowRunQueue, generations: Generations) -> None:
        self._runs = runs
        self._queue = queue
        self._generations = generations

    async def execute(self, request: RunWorkflowRequest) -> WorkflowRunHandle:
        return await self._generations.detached(self._start(request))

    async def _start(self, request: RunWorkflowRequest) -> WorkflowRunHandle:
        handle, _ = await self._runs.prepare(request, owned=not self._queue.durable)
        try:
            await self._queue.enqueue(handle.run.id, handle.task_id, request.end_user.session_id)
        except StoreUnavailable as error:
            await self._runs.abandon(handle, str(error))
            raise
        return handle
