from django.dispatch import Signal

# Sent after commit when a reflection raises a new private flag: kwargs flag_id, school_id. Receivers
# must keep it private (e.g. notify that school's counsellors), never broadcast or count it.
distress_flagged = Signal()

# Sent after commit when a flag goes up the chain (nobody opened it in time): kwargs flag_id, level
# (FlagLevel), org_id (the district or city now handling it). Same privacy rule as above.
distress_escalated = Signal()
