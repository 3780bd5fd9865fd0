"""HTTP plumbing shared by the feature routers: the request boundary for creating POSTs,
dependencies, authentication, problem details, body limits. Imports no feature."""
