"""The story engine: logline to formatted screenplay, every level editable."""
