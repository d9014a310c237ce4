"""Builtin tool providers written in weir (Dify's builtins and official plugins, by their names)."""
