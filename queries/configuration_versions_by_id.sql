-- One row per configuration version applied: who, when, why, from which file, what it undid and the
-- batch that rescored results with it; the snapshot is the whole configuration as applied (JSON).
select
    version_id,
    applied_at,
    applied_by,
    reason,
    file_name,
    sha256,
    undoes,
    rescore_batch,
    snapshot
from configuration_versions
order by version_id
