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
    edit,
    goal_list,
    goal_results,
    is_demo,
    last_review,
    measures,
    new_data,
    partnerships,
    place_series,
    place_series_by_measure,
    places,
    public_site,
)
from app_pages.common.pages import *  # noqa: F401,F403
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
