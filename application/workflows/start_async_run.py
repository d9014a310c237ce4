from application.workflows.run_handle import WorkflowRunHandle
from application.workflows.run_workflow import RunWorkflow, RunWorkflowRequest
from domain.shared.errors import StoreUnavailable
from domain.workflows.run_queue import WorkflowRunQueue


class StartAsyncWorkflowRun:
    """Starts a workflow run for a worker to execute (`response_mode: async`, beyond Dify: the client gets
    202 at once and polls or re-attaches to the run).

    Rules: the run is checked and stored exactly as a run executed here would be (RunWorkflow.prepare)
    before it is queued; a run the queue refuses is ended as `failed` with the reason, never left
    `running` with nobody to run it, and the refusal reaches the client (503).
    """

    def __init__(self, runs: RunWorkflow, queue: WorkflowRunQueue) -> None:
        self._runs = runs
        self._queue = queue

    async def execute(self, request: RunWorkflowRequest) -> WorkflowRunHandle:
        handle, _ = await self._runs.prepare(request)
        try:
            await self._queue.enqueue(handle.run.id, handle.task_id, request.end_user.session_id)
        except StoreUnavailable as error:
            await self._runs.abandon(handle, str(error))
            raise
        return handle
