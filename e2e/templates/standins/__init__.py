"""Stand-in Lambda handlers the inspect probe runs instead of user code."""
