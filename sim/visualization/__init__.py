"""Visual outputs: the matplotlib dashboard (and, later, the browser app). The model never imports this."""
