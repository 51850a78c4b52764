"""The config library: the typed schema of every group, the checks beyond types, the resolvers."""
