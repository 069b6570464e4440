"""Pages of 三好标兵 selection, one module per audience: `public` (campaign, voting, notice, code
entry, objection follow-up), `campaigns` (organisers define a campaign), `manage` (review per level,
nomination, a candidate's file, flags, statistics, the big screen), `cases` (objection cases and
transition attachments), `codes` (family voting codes per class), `notices` (publishing a 公示)."""
