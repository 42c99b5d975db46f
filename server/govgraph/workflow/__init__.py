"""The proposal workflow: proposals and approvals with provenance, the state folder's change log,
accounts and roles."""
