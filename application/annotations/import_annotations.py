import csv
import io

from domain.annotations.entities import QUESTION_MAX, AnnotationJob, JobKind
from domain.annotations.ports import AnnotationJobQueue, AnnotationUnitOfWorkFactory
from domain.apps.entities import App
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator

MAX_ROWS = 2000  # Dify's ANNOTATION_IMPORT_MAX_RECORDS default
MIN_ROWS = 1


def parse_rows(data: bytes) -> list[tuple[str, str]]:
    """The CSV's (question, answer) rows: two columns, the first row a header (Dify's template)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidParam("The CSV file must be UTF-8 text.", param="file") from error
    rows = list(csv.reader(io.StringIO(text)))[1:]
    pairs = [(r[0].strip(), r[1].strip()) for r in rows if len(r) >= 2 and r[0].strip() and r[1].strip()]
    if len(pairs) < MIN_ROWS:
        raise InvalidParam("The CSV file is empty.", param="file")
    if len(pairs) > MAX_ROWS:
        raise InvalidParam(f"The CSV file has more than {MAX_ROWS} records.", param="file")
    if any(len(q) > QUESTION_MAX or len(a) > QUESTION_MAX for q, a in pairs):
        raise InvalidParam(f"A question or an answer is longer than {QUESTION_MAX} characters.", param="file")
    return pairs


class ImportAnnotations:
    """Starts a CSV import (question, answer per row, after a header row) as a background job.

    Rules: the file is a .csv of 1 to 2000 records, each with a question and an answer; it is checked whole
    before the job is stored, so a bad file starts nothing."""

    def __init__(
        self, uow: AnnotationUnitOfWorkFactory, queue: AnnotationJobQueue, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._queue = queue
        self._clock = clock
        self._ids = ids

    async def execute(self, app: App, filename: str, data: bytes, account_id: str) -> AnnotationJob:
        if not filename.lower().endswith(".csv"):
            raise InvalidParam("Invalid file type. Only CSV files are allowed", param="file")
        rows = parse_rows(data)
        job = AnnotationJob(
            id=self._ids.new_id(),
            app_id=app.id,
            kind=JobKind.IMPORT,
            created_at=self._clock.now(),
            payload={"tenant_id": str(app.tenant_id), "account_id": account_id, "rows": rows},
        )
        async with self._uow() as uow:
            await uow.jobs.add(job)
            await uow.commit()
        await self._queue.enqueue(job.id)
        return job
