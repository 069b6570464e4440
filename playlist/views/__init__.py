"""Pages of the playlists, one module per audience: `public` (playlists and their files, no login),
`consent` (the entrant's side decides about publishing), `manage` (organisers curate)."""
