"""Partner intelligence: who is on the other end of a sharing link.

Public API: :class:`Classifier` (construct once per run; it loads the bundled directory), its
``classify`` method, and the result models.
"""

from configscan.partners.classifier import Classifier
from configscan.partners.model import Category, Classification

__all__ = ["Category", "Classification", "Classifier"]
