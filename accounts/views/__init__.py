"""Pages of accounts, one module per concern: `auth` (login, password change, organisations), `classes`
(a teacher's class, login slips, password resets), `roster` (student roster import),
`volunteers` (五老 volunteer import)."""
