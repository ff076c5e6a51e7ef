"""The widgets: the caption window and its parts, the region selector, the tray icon, menus, announcements."""
