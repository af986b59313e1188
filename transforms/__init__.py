"""From clean text to structure: entity mentions, actor positions, text cleaning."""
