"""业扩报装可视化监管看板: domain rules, calendar, measures and the Dash app factory."""

__version__ = "0.1.0"
