"""What every replica shares: QR login and sessions (``world``), the login QR image (``qr``), the control
API under ``/__sandbox__/`` (``control``), the command line (``cli``), and the inbound store that grows
comments, messages and reviews and keeps who replied to what (``inbound``, ``inbound_control``).

A replica subclasses ``world.World`` with its own switches and content; its app mounts ``control.router``
and, when it has inbound pages, ``inbound_control.router``.
"""
