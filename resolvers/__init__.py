"""Resolvers: load, check the rules, save. One module per domain concept."""
