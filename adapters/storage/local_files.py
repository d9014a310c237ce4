import asyncio
from pathlib import Path


class LocalFileStorage:
    """Files under one root folder (STORAGE_PATH); keys are relative paths and never escape the root."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root):
            raise ValueError(f"storage key escapes the storage root: {key}")
        return path

    async def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        await asyncio.to_thread(self._write, path, data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".partial")
        try:
            partial.write_bytes(data)
            partial.replace(path)  # a reader never sees half a file
        except BaseException:
            partial.unlink(missing_ok=True)  # a failed write (disk full) leaves nothing behind
            raise

    async def load(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)
