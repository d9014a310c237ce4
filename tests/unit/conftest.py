import pytest

from adapters.coordination.attempt_counters import InProcessAttemptCounter
from application.apps.create_app import CreateApp, CreateAppRequest
from application.conversations.generations import Generations
from application.tenancy.set_up_instance import SetUpInstance, SetUpRequest
from application.tenancy.throttle import AuthThrottle
from application.workflows.pause_run import PauseRun
from application.workflows.run_chatflow import RunChatflow
from application.workflows.run_workflow import RunWorkflow
from application.workflows.wake_paused_run import WakePausedRun
from domain.tenancy.rules import LoginLimits
from domain.workflows.engine import Limits
from tests.fakes import FakeHasher, FakeUnitOfWork, FakeWorkLease, FixedClock, RecordingSink, SequentialIds
from tests.workflow_fakes import (
    FakeRunEventLog,
    FakeStopSignals,
    RecordingTraces,
    ScriptedNodes,
    WorkflowDatabase,
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds()


@pytest.fixture
def throttle(clock) -> AuthThrottle:
    """Login and setup limits at Dify's defaults, counted in memory on the fake clock."""
    return AuthThrottle(InProcessAttemptCounter(now=lambda: clock.now().timestamp()), LoginLimits())


@pytest.fixture
async def owner(uow, clock, ids, throttle):
    account = await SetUpInstance(uow, FakeHasher(), clock, ids, throttle).execute(
        SetUpRequest(email="Owner@Example.com", name="Owner", password="secret123")
    )
    async with uow() as u:
        membership = await u.accounts.current_membership(account.id)
    return account, membership.tenant_id


@pytest.fixture
async def chat_app(uow, clock, ids, owner):
    account, tenant_id = owner
    return await CreateApp(uow, clock, ids, RecordingSink()).execute(
        CreateAppRequest(tenant_id=tenant_id, account_id=account.id, name="Support bot", mode="chat")
    )


# --- workflow and chatflow use cases over the fakes of tests/workflow_fakes.py


@pytest.fixture
def workflow_db() -> WorkflowDatabase:
    return WorkflowDatabase()


@pytest.fixture
def work_lease() -> FakeWorkLease:
    """This process's lease, as the use cases record it on what they generate or run."""
    return FakeWorkLease()


@pytest.fixture
def workflow_stops() -> FakeStopSignals:
    return FakeStopSignals()


@pytest.fixture
def workflow_traces() -> RecordingTraces:
    return RecordingTraces()


@pytest.fixture
def run_log() -> FakeRunEventLog:
    return FakeRunEventLog()


@pytest.fixture
def scripted_nodes() -> ScriptedNodes:
    return ScriptedNodes()


@pytest.fixture
async def workflow_generations():
    running = Generations()
    yield running
    await running.drain(timeout=0)  # a test that failed midway leaves no run behind


@pytest.fixture
def run_workflow(
    workflow_db, scripted_nodes, workflow_stops, workflow_traces, run_log, workflow_generations, clock, ids, work_lease
) -> RunWorkflow:
    waker = WakePausedRun(workflow_db, _NoQueue(), work_lease, clock, ids)
    return RunWorkflow(
        workflow_db, scripted_nodes, workflow_stops, workflow_traces, run_log, workflow_generations, clock, ids,
        Limits(max_seconds=10), work_lease, PauseRun(workflow_db, _Tokens(), waker, clock, ids),
    )


class _NoQueue:
    durable = True

    async def enqueue(self, run_id, task_id, user) -> None:
        raise AssertionError("no unit test resumes a paused run")


class _Tokens:
    def new_secret(self) -> str:
        return "t" * 24


@pytest.fixture
def run_chatflow(
    workflow_db, run_workflow, workflow_stops, workflow_traces, run_log, workflow_generations, clock, ids, work_lease
) -> RunChatflow:
    return RunChatflow(
        workflow_db, run_workflow, workflow_stops, workflow_traces, run_log, workflow_generations, clock, ids,
        work_lease,
    )
