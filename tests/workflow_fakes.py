"""Doubles and builders for the workflow tests: graphs in Dify's JSON, in-memory workflow repositories."""


def graph(nodes: dict[str, dict], edges: list[tuple]) -> dict:
    """nodes: id -> data (type included; `parent` puts a node inside a container); edges: (source, target)
    or (source, target, handle)."""
    raw_nodes = []
    for node_id, data in nodes.items():
        data = dict(data)
        parent = data.pop("parent", None)
        raw_nodes.append(
            {"id": node_id, "data": {"title": node_id, **data}, **({"parentId": parent} if parent else {})}
        )
    raw_edges = [{"source": e[0], "target": e[1], "sourceHandle": e[2] if len(e) > 2 else "source"} for e in edges]
    return {"nodes": raw_nodes, "edges": raw_edges}
