"""Scenario and plan data: pure, validated, frozen; no solver code."""
