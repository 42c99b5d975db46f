"""Structure changes: reading and checking proposed changes, what they do to the structure
(impact), how people see them, and the plain-JSON structure operations."""
