"""Conversations: past turns, and the prompt a new message sends to the model."""
