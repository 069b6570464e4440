"""Pages of the contest engine, one module per audience: `students` (contest list, taking a paper, results),
`organisers` (create, publish, results, analysis, export), `paper` (the paper builder's helpers and print)."""
