"""The decision memo and the notice to the detained person, rendered as PDF from a view-model.

Importing this package loads nothing heavy: ``verification`` (the short code) is pure
standard library so ``verify`` can use it without reportlab; ``render`` brings reportlab.
"""
