"""Each format's vocabulary in one place, both directions side by side.

Readers and writers of a format import its module here, so a type or month name is mapped
once for reading and once for writing, next to each other.
"""
