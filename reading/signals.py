from django.dispatch import Signal

# Sent after commit when a reflection raises a new private flag: kwargs flag_id, school_id. Receivers
# must keep it private (e.g. notify that school's counsellors), never broadcast or count it.
distress_flagged = Signal()
