"""One router per resource: auth, projects, scripts, comments, versions, collab, pages."""
