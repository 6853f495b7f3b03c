"""The GraphQL schema: shapes only; the work is in ``resolvers``. Built in ``schema.build``."""
