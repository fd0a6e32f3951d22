"""Stable names of the hard rules, shared by the model, the auditor, explanations and docs."""

from enum import StrEnum


class Rule(StrEnum):
    """A hard rule of the contract; a plan that breaks one is invalid."""

    ONE_SEAT_PER_PERSON = "one_seat_per_person"
    MAX_POSTS = "max_posts"
    """A person allowed several seats fills at most max_posts, all in one commune, each shortage once."""
    SPECIALTY_LEVEL = "specialty_level"
    SHORTAGE_SEATS = "shortage_seats"
    COMMUNE_CAPACITY = "commune_capacity"
    MAX_DISTANCE = "max_distance"
    MAX_TRAVEL_MINUTES = "max_travel_minutes"
    PERSONAL_DISTANCE = "personal_distance"
    AGENCY_RELEASE = "agency_release"
    AVAILABILITY = "availability"
    PIN = "pin"
    FORBID = "forbid"
    HOME_COMMUNE = "home_commune"
    MIN_COVERAGE = "min_coverage"
