def judge_queue_summary(user):
    """The judge's assigned entries and progress. Filled in by the judging work."""
    return {"assigned": 0, "scored": 0, "items": []}
