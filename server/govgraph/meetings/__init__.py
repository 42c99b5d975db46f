"""Recording a meeting by hand (`/meetings/new`): the form's model, free of Flask."""
