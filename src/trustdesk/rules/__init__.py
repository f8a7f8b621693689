"""Rule packs, the offense catalog and case files: strict loading and validation.

The only package that reads rule data from disk and the only user of jsonschema.
"""
