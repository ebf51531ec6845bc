"""UN Treaty Collection (MTDSG) source: URLs, XML parser, loader."""
