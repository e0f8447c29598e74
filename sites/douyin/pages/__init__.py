"""Page objects of the Douyin creator center (creator.douyin.com), one per real page."""
