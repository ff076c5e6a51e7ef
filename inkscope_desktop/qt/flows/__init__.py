"""The flows: what each action does, from a capture to a caption shown, spoken and kept in the history."""
