"""Pages of stage events, one module per audience: `event` (the public page, host console, judge and
team devices, screen, draw check), `manage` (organisers' setup, export, bias report, audit log),
`final` (the knowledge final's setup), `quiz` (the hall quiz: players, host console, screen)."""
