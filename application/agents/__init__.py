"""The agent loop: strategies (function calling, ReAct) over the ChatModel and the tool port."""
