"""The core of weir: entities, value objects, pure rules and the ports they need. Standard library only."""
