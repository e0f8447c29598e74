"""Page objects of the Xiaohongshu creator platform, one per real page."""
