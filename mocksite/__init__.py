"""The mock e-paper site: generated papers of every CMS family, with quirks and ground truth."""

from __future__ import annotations
