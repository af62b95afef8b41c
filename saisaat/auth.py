"""Who may do what: the roles, the acting user, and the one check every write makes.

Every write in saisaat/store.py takes the acting `User` (`by=`) and calls `require(by, action, unit=...)`
before it touches anything, and writes its audit entry in the same transaction. A new write names
its action once, in `ACTIONS` (which roles may do it, and which only for their own units); the pages
a role may open are in `PAGES`, the parts of a page in `READS`. What results a user may see (published
ones, and which drafts) is `scope(user)`, bound into every query that reads results.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from saisaat.i18n import Message, MessageError

ROLES = ("secretariat", "executive", "unit", "inspector")
VISITOR = "visitor"     # the app opened to a network without sign-in: published results, no writes
SYSTEM = "system"       # the app itself (the calendar adding a new fiscal year, building the demo)


@dataclass(frozen=True)
class User:
    """The person (or program) acting. `email` is what the audit trail records: the signed-in address,
    `local:<OS user>` in local mode, the OS user or `--by` on the command line."""
    email: str
    role: str
    units: tuple[str, ...] = ()        # a unit user's one unit; the units given to an inspector
    own_drafts: bool = False           # a unit user may see its own unit's drafts
    source: str = "page:"              # 'page:<url path>', 'cli' or 'system'
    refused: Message | None = field(default=None, compare=False)   # every write refused, and why

    def at(self, source: str) -> User:
        """The same user acting from `source` (a page's 'page:data', 'cli')."""
        return replace(self, source=source)


@dataclass(frozen=True)
class Rule:
    """Who may do an action: `roles` for any unit, `per_unit` only for the units they answer for."""
    roles: frozenset[str]
    per_unit: frozenset[str] = frozenset()


def _rule(*roles: str, per_unit: tuple[str, ...] = ()) -> Rule:
    return Rule(frozenset(roles), frozenset(per_unit))


# Every write, by name × the roles that may make it. A write not listed here cannot be made.
ACTIONS: dict[str, Rule] = {
    "import": _rule("secretariat", per_unit=("inspector",)),      # results, as drafts
    "import_published": _rule("secretariat"),                     # add to or replace a published period
    "undo": _rule("secretariat"),
    "restore": _rule("secretariat"),
    "publish": _rule("secretariat"),
    "unpublish": _rule("secretariat"),
    "add_user": _rule("secretariat"),
    "change_user": _rule("secretariat"),
    "remove_user": _rule("secretariat"),
    "configure": _rule("secretariat"),                            # apply or undo a configuration version
    "init_database": _rule(SYSTEM, "secretariat"),                 # a new centre's empty database
    "save_scenario": _rule("secretariat"),
    "record_plan_steps": _rule("secretariat"),
    "extend_fiscal_years": _rule(SYSTEM, "secretariat"),
    "build_demo": _rule(SYSTEM, "secretariat"),
}

_READERS = frozenset(ROLES) | {VISITOR}

# The pages each role may open (app.py lists only these; a deep link to another says so).
PAGES: dict[str, frozenset[str]] = {
    "overview": _READERS,
    "compare": _READERS,
    "trends": _READERS,
    "coverage": _READERS,
    "whatif": frozenset({"secretariat"}),
    "reports": frozenset({"secretariat", "executive", "unit"}),
    "data": frozenset({"secretariat", "inspector"}),
    "settings": frozenset({"secretariat"}),
    "users": frozenset({"secretariat"}),
    "audit": frozenset({"secretariat"}),
}

# Parts of a page (and the downloads in them) that not every role that opens the page may see.
READS: dict[str, frozenset[str]] = {
    "cabinet_summary": frozenset({"secretariat", "executive"}),
    "all_report_cards": frozenset({"secretariat", "executive"}),
    "plan_tracking": frozenset({"secretariat", "executive"}),
    "import_history": frozenset({"secretariat", "inspector"}),
    "export_database": frozenset({"secretariat"}),
}


class Refused(MessageError):
    """The acting user may not do this; nothing was changed."""


def require(user: User, action: str, unit: str | None = None) -> None:
    """Refuse (raise `Refused`) unless `user` may do `action` (for `unit`, when the action is about one).
    An action missing from ACTIONS is a programming error (KeyError)."""
    rule = ACTIONS[action]
    if user.refused is not None:
        raise Refused(user.refused)
    if user.role in rule.roles:
        return
    if user.role in rule.per_unit:
        if unit is None or unit in user.units:
            return
        raise Refused(Message("auth_not_your_unit", unit=unit, action=Message(f"action_{action}")))
    raise Refused(Message("auth_refused", role=Message(f"role_{user.role}"), action=Message(f"action_{action}")))


def may(user: User, action: str, unit: str | None = None) -> bool:
    """Whether `require` would let `user` do `action` (pages use it to offer only what is allowed)."""
    try:
        require(user, action, unit)
    except Refused:
        return False
    return True


def may_open(user: User, page: str) -> bool:
    return user.role in PAGES[page]


def may_read(user: User, part: str) -> bool:
    return user.role in READS[part]


def may_see_unit(user: User, unit_code: str) -> bool:
    """A unit user sees its own unit's card and details only; every other role sees every unit's."""
    return user.role != "unit" or unit_code in user.units


@dataclass(frozen=True)
class Scope:
    """Which results a viewer may see: every published period's, plus drafts of every unit
    (`drafts_all`) or of `draft_units`. Bound into queries as $drafts_all and $draft_units."""
    drafts_all: bool = False
    draft_units: tuple[str, ...] = ()

    def params(self) -> dict:
        return {"drafts_all": self.drafts_all, "draft_units": list(self.draft_units)}

    @property
    def sees_drafts(self) -> bool:
        return self.drafts_all or bool(self.draft_units)


PUBLISHED_ONLY = Scope()
EVERYTHING = Scope(drafts_all=True)
SCOPE_PARAMS = frozenset(PUBLISHED_ONLY.params())


def scope(user: User) -> Scope:
    """The secretariat and executives see every draft (marked); a unit user its own unit's drafts when
    the secretariat allows it; an inspector the drafts of its units; anyone else published results only."""
    if user.role in ("secretariat", "executive", SYSTEM):
        return EVERYTHING
    if user.role == "unit" and user.own_drafts:
        return Scope(draft_units=user.units)
    if user.role == "inspector":
        return Scope(draft_units=user.units)
    return PUBLISHED_ONLY


def normal_email(email: str) -> str:
    return (email or "").strip().lower()


def registered(source, email: str, at: str = "page:") -> User | None:
    """The registered user with this address (any case), acting from `at`; None when not registered.
    `source`: anything with .query (the Database, the pages' cached wrapper)."""
    email = normal_email(email)
    users = source.query("users_by_email")
    row = users[users["email"] == email]
    if row.empty:
        return None
    r = row.iloc[0]
    units = tuple(u for u in str(r["unit_codes"]).split(",") if u)
    return User(email=email, role=str(r["role"]), units=units, own_drafts=bool(r["own_drafts"]), source=at)


def cli_user(name: str) -> User:
    """Whoever runs the command line: it works on the database file directly, as the secretariat's
    administrators do; the audit trail records the OS user (or --by), marked as the CLI."""
    return User(email=(name or "").strip() or "cli", role="secretariat", source="cli")


def local_user(os_user: str) -> User:
    """Local mode (no [auth], bound to 127.0.0.1): the one person at this computer, as the secretariat."""
    return User(email=f"local:{os_user or 'user'}", role="secretariat")


def unconfigured_user(address: str) -> User:
    """The app open to a network without sign-in: published results only, and every write refused."""
    return User(email="anonymous", role=VISITOR, refused=Message("auth_unconfigured", address=address or "0.0.0.0"))


SYSTEM_USER = User(email="system", role=SYSTEM, source="system")


def permission_rows() -> list[tuple[str, str, dict[str, str]]]:
    """What each role may do, for the users page and the README: (kind, name, role → 'all' | 'own' | '')
    for every page, part of a page and action (kind 'page', 'read', 'action')."""
    rows = [("page", name, {r: "all" if r in roles else "" for r in ROLES}) for name, roles in PAGES.items()]
    rows += [("read", name, {r: "all" if r in roles else "" for r in ROLES}) for name, roles in READS.items()]
    rows += [("action", name, {r: "all" if r in rule.roles else "own" if r in rule.per_unit else "" for r in ROLES})
             for name, rule in ACTIONS.items() if rule.roles & set(ROLES) or rule.per_unit]
    return rows
