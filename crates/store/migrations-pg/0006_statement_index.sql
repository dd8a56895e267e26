-- Issue 15: a month end of 2,000 contracts grew with the square of the
-- library. Looking up a contract's statement of a month in any status
-- (breached last month? the chronic rule, the claim's history) scanned the
-- whole statements table, result JSON and all, because the two partial
-- indexes cover only drafts and finals. One index on (contract, period)
-- for every status.
CREATE INDEX statements_by_contract_period ON statements (contract_id, period);
