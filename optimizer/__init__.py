"""The CP-SAT secondment model, its staged objectives and the independent auditor."""
