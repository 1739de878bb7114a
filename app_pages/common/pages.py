"""Where each page script lives and the addresses of the internal pages:
the navigation (app.py) and page links read these names.

Page scripts live in app_pages/, not pages/: a pages/ folder beside app.py
puts Streamlit in its older pages-folder mode, where pages/*.py are routable
by URL without app.py (and its public/internal split), and a first deep link
after a restart opens under a "Page not found" dialog.
"""

PAGE_OVERVIEW = "app_pages/internal/overview.py"
PAGE_PARTNERSHIP = "app_pages/internal/partnership.py"
PAGE_NEIGHBOURHOOD = "app_pages/internal/neighbourhood.py"
PAGE_GOAL = "app_pages/internal/goal.py"
PAGE_NOTES = "app_pages/internal/lived_experience.py"
PAGE_IMPORT = "app_pages/internal/data_import.py"
PAGE_GOALS_EDITOR = "app_pages/internal/goals_editor.py"
PAGE_NEIGHBOURHOODS_EDITOR = "app_pages/internal/neighbourhoods_editor.py"
PAGE_NOTES_EDITOR = "app_pages/internal/notes_editor.py"
PAGE_BOARD_REVIEW = "app_pages/internal/board_review.py"
PAGE_ACTIONS = "app_pages/internal/actions.py"
PAGE_TRUSTEES = "app_pages/internal/trustees.py"
PAGE_METHODS = "app_pages/common/methods.py"
PAGE_ACCESS = "app_pages/internal/access_admin.py"
PAGE_AUDIT = "app_pages/internal/audit.py"
PAGE_PUBLISH = "app_pages/internal/publish_admin.py"
PAGE_SIGN_IN = "app_pages/common/sign_in.py"
PAGE_NO_ACCESS = "app_pages/common/no_access.py"
PAGE_REFUSED = "app_pages/common/refused.py"
PAGE_PUBLIC = "app_pages/public/progress.py"

# Every address of an internal page (app.py), for the refusal page to answer at.
INTERNAL_URL_PATHS = (
    "overview", "partnership", "neighbourhood", "goal", "board-review", "actions", "trustees", "lived-experience",
    "import", "neighbourhoods", "goals-editor", "notes", "access", "audit", "methods", "sign-in", "no-access", "progress",
)
