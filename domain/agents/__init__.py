"""Agents: a model that calls tools over several rounds (function calling or ReAct) until it answers."""
