"""Generated national-scale data for load tests: ``zhengdun generate --branches N``.

A tree shaped like the League's, one admin account per organisation, and a current
campaign with a realistic spread of forms, reviews, bottom selections and notifications,
reproducible from ``--seed`` (and ``--today``, which fixes the campaign year and "now").
For load tests only: never on a production database.

Shape (``shape.py``): 团中央 → the 34 provincial-level League units (31 provinces,
regions and municipalities, 新疆生产建设兵团团委, 中央和国家机关团工委, 中央企业团工委)
→ cities → counties → grassroots 团委 / 团工委 / 团总支 → 团支部, always at depths 0–5.
At 1,000,000 branches: 34 / 400 / 2,900 / 52,000, about 19 branches per grassroots unit
(lognormal by sector, clipped to 1…600: universities have hundreds); every level scales
with N and keeps at least one organisation. Branch sectors follow the League's 2023
shares (schools ~44 %, enterprises ~21 %, urban and rural ~22 %, organs and
institutions ~8 %, social organisations and the rest ~5 %); a unit has one sector and
most of its branches (~95 %) share it. Names below the provinces are made up.

The campaign (``history.py``): the Beijing year of today, 1 Sept – 31 Dec, deadlines
31 Oct and 30 Nov, template 2019, threshold 10, ratio 0.2. About 90 % of branches have
a form (3.5 % of all by superior assessment), ~7 % still pending review, ~1 % rejected,
~25 % key; most units (88 % of those able to) have confirmed a selection of exactly
their quota of the worst rankable branches; key branches then send 0–3 further forms.
Every status is reached through ``models.workflow`` and every row is what the API
writes for it: ``organization.branch_count``, ``branch_tally``, ``branch_state``,
``self_check`` (full ratings, template order), ``review``, ``notification`` and
``progress_delta`` already folded and counted (one row per campaign, organisation, sector
and direct flag) with its sums in ``progress_total``. Not written: the audit trail (``audit_entry``) of this generated history,
sessions, login attempts, notification reads, spot checks.

Ids and accounts, for load tests:

- ids are dense and in tree order: 1 is 团中央, then the provinces, the cities and the
  counties (the summary prints the county range, e.g. 436…3335 at 1M); then county by
  county each grassroots unit followed at once by its branches (unit u, branches
  u+1 … u+n). Depth: 0 root, 1 province, 2 city, 3 county, 4 unit, 5 branch.
- one account per organisation: username ``u<organisation id>``, and every one has the
  password :data:`GENERATED_PASSWORD` (``load-test-password``), hashed once with argon2
  (hashing a million distinct passwords would take hours).
- picking actors (SQL)::

      -- county admins:            SELECT id FROM organization WHERE depth = 3;
      -- units with ~20 branches:  SELECT id FROM organization
      --                           WHERE depth = 4 AND branch_count BETWEEN 18 AND 22;
      -- a branch admin and its direct superior (reviews, selections): u<id>, u<parent_id>
      SELECT o.id, o.parent_id, COALESCE(s.status, 'NOT_SUBMITTED'), s.latest_self_check_id
      FROM organization o LEFT JOIN branch_state s ON s.branch_id = o.id
      WHERE o.type = 'BRANCH';

  A branch may submit unless PASSED or RECTIFIED; its superior reviews the
  ``latest_self_check_id`` of a PENDING_REVIEW or KEY_PENDING_REVIEW branch; units with
  no ``selected_as_bottom`` branch still owe their selection.
"""

from zhengdun.generate.build import (
    DEFAULT_SEED,
    GENERATED_PASSWORD,
    GenerateError,
    Summary,
    generate,
)

__all__ = ["DEFAULT_SEED", "GENERATED_PASSWORD", "GenerateError", "Summary", "generate"]
