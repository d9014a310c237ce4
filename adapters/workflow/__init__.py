"""Adapters behind the workflow node ports: Jinja2 sandbox, code runner subprocesses, HTTP with an SSRF guard."""
