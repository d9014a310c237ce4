from quart import current_app

from entrypoints.container import Container


def container() -> Container:
    return current_app.extensions["weir.container"]
