"""HTTP plumbing shared by the feature routers: auth, problem details, limits."""
