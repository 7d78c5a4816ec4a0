# Outbound conduct (optional operating checks).
conduct-missing = No outbound calling-number figures were entered.
conduct-number-value = { $number } ({ $value })
conduct-out-of-bounds = { $figure } out of bounds (required { $threshold }): { $numbers }.
conduct-not-entered = { $figure } not entered for: { $numbers }.
conduct-ok = { $figure } within bounds ({ $threshold }) for every number.
conduct-fig-calls-per-day = Calls per day
conduct-fig-interval = Interval between calls (s)
conduct-fig-complaint-rate = Complaint rate (%)
conduct-fig-health = Number health score
conduct-fig-consent = User-consent proof kept
# What to do: one sentence per kind of problem.
conduct-do-enter-figures = Export each outbound number's figures from the carrier or the calling platform and enter them.
conduct-do-fix-numbers = Change how those numbers call until they meet the thresholds, then have them checked.
