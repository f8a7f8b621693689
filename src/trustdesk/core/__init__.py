"""Pure decision core: case and decision values, condition interpreter, hold clock.

Nothing here imports Qt, SQL, PDF or JSON-schema libraries, or touches files.
"""
