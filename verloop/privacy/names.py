"""Names the door's modules share: survey kinds, metrics, filter keys and frame keys."""

ORG_LABEL = "organisation"
RESPONSES = "responses"
COMMENTS = "comments"
REASONS_METRIC = "reasons"
ENPS = "enps"
KINDS = ("pulse", "exit", "followup")
SELECT_KEYS = ("site", "team", "site_id", "team_id")
WAVE_KEYS = ["wave", "opens_on", "closes_on"]
GROUP_KEYS = ["level", "site", "team", "group"]
KPI_COLUMNS = ["aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"]
