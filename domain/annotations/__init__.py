"""Annotations: curated question/answer pairs an app replies with, instead of asking its model."""
