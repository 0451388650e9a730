"""The visitor's language and the words of the pages."""
