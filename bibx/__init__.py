"""bibx: turn a list of papers into a bibliography you can use at once."""

__version__ = "0.1.0"
