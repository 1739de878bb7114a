"""What every page uses, in one name: `from app_pages.common import ui`.

The pieces live in modules named for what they hold: pages.py (where each
page is), session.py (who is here, what the mode and sign-in allow),
connection.py (the database), data.py (cached reads limited to what the user
may read, and `edit` for changes), widgets.py (the frame, choosers, badges,
safe text, HTML blocks, downloads). Pages stay thin: they ask these, which
ask metrics/, and draw.
"""

from app_pages.common.connection import con, data_version  # noqa: F401
from app_pages.common.data import (  # noqa: F401
    benchmark_lines,
    board_health,
    edit,
    goal_list,
    goal_results,
    is_demo,
    last_review,
    measure_breaks,
    measures,
    new_data,
    partnership_page,
    partnerships,
    place_series,
    place_series_by_measure,
    places,
    public_site,
)
from app_pages.common.pages import (  # noqa: F401 (every page address)
    INTERNAL_URL_PATHS,
    PAGE_ACCESS,
    PAGE_ACTIONS,
    PAGE_AUDIT,
    PAGE_BOARD_REVIEW,
    PAGE_GOAL,
    PAGE_GOALS_EDITOR,
    PAGE_IMPORT,
    PAGE_METHODS,
    PAGE_NEIGHBOURHOOD,
    PAGE_NEIGHBOURHOODS_EDITOR,
    PAGE_NO_ACCESS,
    PAGE_NOTES,
    PAGE_NOTES_EDITOR,
    PAGE_OVERVIEW,
    PAGE_PARTNERSHIP,
    PAGE_PUBLIC,
    PAGE_PUBLISH,
    PAGE_REFUSED,
    PAGE_SIGN_IN,
    PAGE_TRUSTEES,
)
from app_pages.common.session import (  # noqa: F401
    actor,
    auth_configured,
    identity,
    local_mode_allowed,
    mode,
    perms,
    refusal,
    require,
    signin_config,
    silence_server_metrics,
)
from app_pages.common.widgets import (  # noqa: F401
    choose,
    choose_partnership,
    download_csv,
    empty_database_message,
    frame,
    html,
    partnerships_or_stop,
    quote,
    show_problems,
    status_badge,
    text,
)
from metrics.vocab import STATUS_LABELS, status_text  # noqa: F401

__all__ = ['INTERNAL_URL_PATHS', 'PAGE_ACCESS', 'PAGE_ACTIONS', 'PAGE_AUDIT', 'PAGE_BOARD_REVIEW', 'PAGE_GOAL', 'PAGE_GOALS_EDITOR', 'PAGE_IMPORT', 'PAGE_METHODS', 'PAGE_NEIGHBOURHOOD', 'PAGE_NEIGHBOURHOODS_EDITOR', 'PAGE_NOTES', 'PAGE_NOTES_EDITOR', 'PAGE_NO_ACCESS', 'PAGE_OVERVIEW', 'PAGE_PARTNERSHIP', 'PAGE_PUBLIC', 'PAGE_PUBLISH', 'PAGE_REFUSED', 'PAGE_SIGN_IN', 'PAGE_TRUSTEES', 'STATUS_LABELS', 'actor', 'auth_configured', 'benchmark_lines', 'board_health', 'choose', 'choose_partnership', 'con', 'data_version', 'download_csv', 'edit', 'empty_database_message', 'frame', 'goal_list', 'goal_results', 'html', 'identity', 'is_demo', 'last_review', 'local_mode_allowed', 'measure_breaks', 'measures', 'mode', 'new_data', 'partnership_page', 'partnerships', 'partnerships_or_stop', 'perms', 'place_series', 'place_series_by_measure', 'places', 'public_site', 'quote', 'refusal', 'require', 'show_problems', 'signin_config', 'silence_server_metrics', 'status_badge', 'status_text', 'text']
