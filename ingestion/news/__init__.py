"""News: feeds, GDELT and article pages -> landed payloads -> claims about watched treaties."""
