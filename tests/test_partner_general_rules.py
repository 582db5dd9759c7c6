"""The general rules added after the held-out measurement, each on names beyond the held-out corpus.

These pin behaviour the held-out corpus motivated (look-alikes of federal names, tribal nations whose names
are also places, businesses named after agencies) so a later change cannot quietly undo it.
"""

from __future__ import annotations

import pytest

from configscan.partners import Category, Classifier


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


@pytest.mark.parametrize(("name", "expected"), [
    # a federal phrase that is the town in the vendor's "<Town> ST PD" style
    ("National Park NJ PD", Category.local),
    ("Yellowstone National Park", Category.federal_other),
    # a business's legal form outweighs agency words in its name; the vendor's label still wins
    ("Marine Corps Community Credit Union", Category.private),
    ("Secret Service Security LLC", Category.private),
    ("Federal Law Enforcement Officers Association", Category.private),
    # a town's business-like name does not make its police department private
    ("Falls Church VA PD", Category.local),
    ("Resort Township MI PD", Category.local),
    # federal inspectors general, but not a state's or a city's
    ("Social Security Administration OIG", Category.federal_other),
    ("Department of Labor Office of Inspector General", Category.federal_other),
    # tribal nations from the directory, but not the places that share their names
    ("Standing Rock Sioux Tribe Police", Category.tribal),
    ("San Carlos Apache Police Department", Category.tribal),
    ("Leech Lake Police Department", Category.tribal),
    ("Red Lake Falls MN PD", Category.local),
    ("Mille Lacs County MN SO", Category.local),
    ("Navajo County AZ SO", Category.local),
    # a department of public safety run by an airport or a city is local; a state's is state
    ("Phoenix Sky Harbor Airport DPS", Category.local),
    ("Iowa DPS", Category.state),
    ("Nebraska Division of Criminal Investigation", Category.state),
])
def test_general_rule(classifier: Classifier, name: str, expected: Category) -> None:
    assert classifier.classify(name).category is expected


@pytest.mark.parametrize("name", ["Texas Health and Human Services OIG", "Chicago Office of Inspector General",
                                  "Oregon DOC Inspector General"])
def test_a_state_or_city_inspector_general_is_not_federal(classifier: Classifier, name: str) -> None:
    assert not classifier.classify(name).category.is_federal


def test_vendor_federal_label_beats_a_legal_form(classifier: Classifier) -> None:
    verdict = classifier.classify("[Federal] Border Patrol Inc")
    assert verdict.category.is_federal
