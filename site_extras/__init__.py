"""What the site serves besides its pages: notebooks, tutorial scripts, the slides."""
