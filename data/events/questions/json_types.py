"""The JSON schemas of the plain values answers are made of."""

COUNT = {"type": "integer", "minimum": 0}
RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
DATE = {"type": "string", "format": "date"}
