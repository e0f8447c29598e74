"""Errands: one-off tasks the owner gives an employee in plain words, done on a site by a browser agent
under guard (``graphs.agent``), and the steps each run took."""
