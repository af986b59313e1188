"""Getting articles in: sources, feeds, polite HTTP fetching, text extraction and the seed documents."""
