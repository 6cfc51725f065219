"""The live meeting page: `laa serve`, its session of changes and its JSON API."""
